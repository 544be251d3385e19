import type { JsonObject } from '#libs/event-store';

/** Events are plain typed data: a past-tense type and a JSON payload. */
export interface DomainEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly type: Type;
  readonly data: Data;
}

/** How a context folds its events into the state its decisions need. */
export interface Evolver<State, Event extends DomainEvent> {
  /** The event types this state reads; others in the stream are passed over. */
  readonly eventTypes: readonly Event['type'][];
  initialState(): State;
  evolve(state: State, event: Event): State;
}
