/** What the shell page hands the admin pages: who is signed in and which page to open. */

export interface Boot {
  me: { agent_id: number | null; name: string; role: string };
  page: string;
  pages: string[];
}

function read(): Boot {
  const node = document.getElementById("boot");
  const empty: Boot = { me: { agent_id: null, name: "", role: "admin" }, page: "agents", pages: ["agents"] };
  return node?.textContent ? { ...empty, ...(JSON.parse(node.textContent) as Partial<Boot>) } : empty;
}

export const boot = read();
