/** What the shell page hands the supervisor pages: who is signed in, which page, tiers by value, agents. */

export interface AgentName {
  id: number;
  name: string;
}

export interface Boot {
  me: { agent_id: number | null; name: string; role: string };
  page: "wallboard" | "reports";
  tiers: string[];
  agents: AgentName[];
  queues: Record<string, string>; // queue name -> the name people read
  max_days: number;
}

function read(): Boot {
  const node = document.getElementById("boot");
  const empty: Boot = {
    me: { agent_id: null, name: "", role: "supervisor" },
    page: "wallboard",
    tiers: ["diamond", "gold", "silver", "general"],
    agents: [],
    queues: {},
    max_days: 92,
  };
  return node?.textContent ? { ...empty, ...(JSON.parse(node.textContent) as Partial<Boot>) } : empty;
}

export const boot = read();
