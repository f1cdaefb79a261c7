/** The shapes of the knowledge and yellow-pages API answers the pages read. */

export type Status = "draft" | "in_review" | "published" | "archived";

export interface Usefulness {
  helpful: number;
  inserted: number;
  not_helpful: number;
}

export interface ListedArticle {
  id: number;
  locale: string;
  title: string;
  category: string;
  tags: string[];
  status: Status;
  working_status: Status | null;
  owner: { id: number; name: string } | null;
  review_by: string | null;
  overdue: boolean;
  updated_at: string;
  usefulness: Usefulness;
  suggested_30d: number;
}

export interface Overview {
  articles: ListedArticle[];
  total: number;
  offset: number;
  limit: number;
  counts: Record<string, number>;
  categories: string[];
}

export interface Version {
  id: number;
  number: number;
  status: Status;
  revision: number;
  title: string;
  body: string;
  body_html: string;
  short_answer: string;
  category: string;
  tags: string[];
  variants: string[];
  author_id: number | null;
  approver_id: number | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
}

export interface ArticleDetail {
  id: number;
  locale: string;
  owner_id: number | null;
  status: Status;
  working_status: Status | null;
  review_by: string | null;
  live: Version | null;
  working: Version | null;
}

/** How often the article was offered to agents in the last 30 days (UTC), and inserted into replies. */
export interface ArticleUsage {
  suggested_30d: number;
  inserted_30d: number;
  suggested_days: { day: string; suggested: number }[];
}

export interface Gap {
  question: string;
  locale: string;
  count: number;
  last_seen: string | null;
}

export interface Person {
  id: number;
  display_name: string;
  role: string;
  presence: string;
  languages: string[] | null;
  skills: { skill: string; level: number }[];
  channels: string[];
  topics: string[] | null;
  evidence: Record<string, { resolved?: number }>;
}
