import type { JsonObject, RecordedEvent } from '#libs/event-store';

export type Upcast = (data: JsonObject) => JsonObject;

/**
 * Old event schemas are upcast on read, never rewritten in the log. An upcaster lifts one event type from
 * schema version N to N+1; reading applies the chain up to the newest version registered.
 */
export class Upcasters {
  private readonly chains = new Map<string, Map<number, Upcast>>();

  register(type: string, fromVersion: number, upcast: Upcast): this {
    const chain = this.chains.get(type) ?? new Map<number, Upcast>();
    if (chain.has(fromVersion))
      throw new Error(`an upcaster for ${type} v${fromVersion} is already registered`);
    chain.set(fromVersion, upcast);
    this.chains.set(type, chain);
    return this;
  }

  /** The newest schema version of `type` (1 when it never changed): what new events are written with. */
  currentVersion(type: string): number {
    const chain = this.chains.get(type);
    return chain ? Math.max(...chain.keys()) + 1 : 1;
  }

  upcast(event: RecordedEvent): RecordedEvent {
    const chain = this.chains.get(event.type);
    if (!chain) return event;
    let version = schemaVersionOf(event);
    let data = event.data;
    for (let upcast = chain.get(version); upcast; upcast = chain.get(version)) {
      data = upcast(data);
      version += 1;
    }
    return data === event.data
      ? event
      : { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
  }
}

function schemaVersionOf(event: RecordedEvent): number {
  const version = event.metadata['schemaVersion'];
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
}
