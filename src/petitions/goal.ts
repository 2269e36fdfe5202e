/**
 * The goal shown beside a petition's count. An organizer's goal holds until it is reached;
 * after that (or with none) the goal is the next step of 100, 250, 500, 1,000, 2,500, 5,000 …
 * above the count, so the bar always has somewhere to go.
 */
export function currentGoal(count: number, organizerGoal: number | null): number {
  if (organizerGoal !== null && organizerGoal > count) return organizerGoal;
  let scale = 100;
  for (;;) {
    for (const step of [1, 2.5, 5]) {
      const goal = step * scale;
      if (goal > count) return goal;
    }
    scale *= 10;
  }
}
