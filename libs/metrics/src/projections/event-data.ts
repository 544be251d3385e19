/** The payload type of one member of an event union, to read a recorded event's untyped JSON as what it is. */
export type DataOf<E extends { type: string; data: unknown }, T extends E['type']> = Extract<
  E,
  { type: T }
>['data'];
