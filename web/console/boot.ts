/** What the shell page hands the workspace: who is signed in, their capacity settings, the tier order. */

export interface Boot {
  me: { agent_id: number | null; name: string; role: string; supervisor: boolean };
  limits: { channel: string; current: number; max: number }[];
  tiers: string[];
}

function read(): Boot {
  const node = document.getElementById("boot");
  const empty: Boot = { me: { agent_id: null, name: "", role: "agent", supervisor: false }, limits: [], tiers: [] };
  return node?.textContent ? { ...empty, ...(JSON.parse(node.textContent) as Partial<Boot>) } : empty;
}

export const boot = read();
