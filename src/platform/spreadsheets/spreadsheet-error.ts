/** Why a file could not be read as a spreadsheet; stable, so a caller can word it in Welsh too. */
export type SpreadsheetErrorCode = 'unsupported-type' | 'damaged' | 'no-header';

/**
 * A file a person gave us that cannot be read as a spreadsheet. The message is
 * plain English and safe to show them; the code lets a page choose its own words.
 */
export class SpreadsheetError extends Error {
  constructor(
    readonly code: SpreadsheetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SpreadsheetError';
  }
}

export function unsupportedType(): SpreadsheetError {
  return new SpreadsheetError('unsupported-type', 'The file is not a CSV or Excel (.xlsx) file');
}

export function damagedExcel(cause?: unknown): SpreadsheetError {
  return new SpreadsheetError(
    'damaged',
    'The Excel file could not be read. It may be damaged: open it in Excel, save it as .xlsx and try again',
    { cause },
  );
}

export function noHeader(): SpreadsheetError {
  return new SpreadsheetError(
    'no-header',
    'The file has no header row. Its first row must name the columns',
  );
}
