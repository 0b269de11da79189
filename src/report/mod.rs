//! Reports a Bagian Organisasi reads: `report.json`, `report.html`, `report.xlsx`
//! (not yet implemented).
