// The API's resources as TypeScript types, one definition for the simulator that serves them and
// the harness that reads them. The JSON Schemas in schemas/ are the authority; these mirror them.
export interface Template {
  id: string;
  name: string;
  description?: string;
  created_at: string;
}

export interface Run {
  id: string;
  template_id: string;
  expires_in_hours: number;
  created_at: string;
  expires_at: string;
}

export interface Pagination {
  total: number;
  page: number;
  per_page: number;
  next_page: number | null;
}

export interface Page<T> {
  data: T[];
  pagination: Pagination;
}
