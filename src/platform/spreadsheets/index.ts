/**
 * Streaming spreadsheets for imports and exports of the involvement register:
 * read a CSV or .xlsx row by row, write a CSV or .xlsx row by row.
 */
export {
  readSheet,
  normaliseHeaderName,
  type Sheet,
  type SheetInput,
  type SheetRow,
} from './read-sheet.ts';
export { SpreadsheetError, type SpreadsheetErrorCode } from './spreadsheet-error.ts';
export { csvLine, csvStream, neutraliseFormula } from './write-csv.ts';
export { xlsxSheetsStream, xlsxStream, type SheetSource } from './write-xlsx.ts';
