/** A row as a reader finds it: cells in column order, not yet trimmed or named. */
export interface SheetRecord {
  /** The line (CSV) or row number (Excel) a person sees, counting from 1. */
  line: number;
  cells: string[];
}
