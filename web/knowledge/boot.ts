/** What the server hands the knowledge pages: who is signed in, which page, and what their role may do. */

export interface Me {
  agent_id: number | null;
  name: string;
  role: string;
}

export interface ChannelLimits {
  max_chars: number | null;
  max_bytes: number | null;
  window_hours: number | null;
  segments: boolean;
}

export interface TicketContext {
  id: number;
  subject: string;
  assignee_id: number | null;
}

export interface Boot {
  me: Me;
  page: "list" | "editor" | "directory";
  curator: boolean;
  sees_gaps: boolean;
  locales: string[];
  article_id: number | null;
  limits: { sms?: ChannelLimits; wechat?: ChannelLimits };
  ticket: TicketContext | null;
  skills: string[];
  queues: string[];
  channels: string[];
  supervisor: boolean;
}

function read(): Boot {
  const empty: Boot = {
    me: { agent_id: null, name: "", role: "agent" },
    page: "list",
    curator: false,
    sees_gaps: false,
    locales: ["en"],
    article_id: null,
    limits: {},
    ticket: null,
    skills: [],
    queues: [],
    channels: [],
    supervisor: false,
  };
  const node = document.getElementById("boot");
  return node?.textContent ? { ...empty, ...(JSON.parse(node.textContent) as Partial<Boot>) } : empty;
}

export const boot = read();
