/** The figures GET /api/v1/reports sends for a period. */

export interface Group {
  tickets: number;
  first_response_median_s: number | null;
  first_response_p90_s: number | null;
  handle_median_s: number | null;
  sla_attainment: number | null;
  csat: number | null;
  surveys: number;
}

export interface Figures {
  since: string;
  until: string;
  channels: string[];
  volume: ({ day: string } & Record<string, number | string>)[];
  total: Group;
  by_tier: Record<string, Group>;
  by_agent: ({ agent_id: number; name: string } & Group)[];
}

/** A period of whole UTC days, both ends included (YYYY-MM-DD). */
export interface Period {
  since: string;
  until: string;
}
