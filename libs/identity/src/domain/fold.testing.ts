import type { DomainEvent, Evolver } from '#libs/eventsourcing';

/** Folds events as AggregateStore.load does, passing over the types the state does not read: a test's "given". */
export function fold<State, Event extends DomainEvent>(
  evolver: Evolver<State, Event>,
  events: readonly DomainEvent[],
): State {
  const types = new Set<string>(evolver.eventTypes);
  return events
    .filter((event) => types.has(event.type))
    .reduce((state, event) => evolver.evolve(state, event as Event), evolver.initialState());
}
