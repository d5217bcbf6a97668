export function excelDate(day: string): Date;
