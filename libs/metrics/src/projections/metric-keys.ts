/** The dimension of a counter summed over every e-service (or participant), and over one department's. */
export const ALL_ESERVICES = '*';
export const departmentDimension = (department: string): string => `@${department}`;

/** How a batch keys a counter in memory before it writes it. */
export function countKey(metric: string, day: string, dimension: string, detail: string): string {
  return `${metric}\u0000${day}\u0000${dimension}\u0000${detail}`;
}

export function dayOf(at: string): string {
  return at.slice(0, 10);
}
