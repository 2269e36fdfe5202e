// One capability's section of the console's dashboard: a heading, its table (or a line saying
// there is nothing yet) and the way to the full list, so every kind of action has its entry.

export function DashboardSection(props: { id: string; title: string; href: string; all: string; empty: string; children?: JSX.Element | null | false }): JSX.Element {
  return (
    <section aria-labelledby={`dashboard-${props.id}`} class="dashboard-part">
      <h2 id={`dashboard-${props.id}`} safe>
        {props.title}
      </h2>
      {props.children ? (props.children as 'safe') : <p safe>{props.empty}</p>}
      <p>
        <a href={props.href} safe>
          {props.all}
        </a>
      </p>
    </section>
  );
}

/** "1 event waits" / "3 events wait": a count with its noun and verb agreeing. */
export function counted(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
