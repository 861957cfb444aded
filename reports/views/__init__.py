"""Report pages, PDFs and spreadsheets: every figure comes from `reports.selectors`."""
