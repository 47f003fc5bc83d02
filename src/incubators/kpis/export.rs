//! The quarterly report as CSV and as an Excel workbook (.xlsx, `rust_xlsxwriter`): a title
//! row (workbook only), headers in the reader's language, counts as numbers, percentages
//! and hours with two decimals, money in yuan with two decimals. Data in, bytes out.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::rules::Figures;
use super::rules::{COLUMNS, Cell, Value, csv_line, values};

/// A report ready to write: headers already translated.
pub struct Sheet {
    /// The title row (workbook only), e.g. "孵化基地季度报告 2026Q1 — name".
    pub title: String,
    /// Headers of the leading text columns (name, level, league/city …).
    pub lead: Vec<String>,
    /// Headers of the figures, in [`COLUMNS`] order.
    pub heads: Vec<String>,
    /// Each row: its leading texts and its figures.
    pub rows: Vec<(Vec<String>, Figures)>,
}

/// The report as CSV: headers, then one record per row (an empty field where a figure is
/// unavailable).
pub fn csv(s: &Sheet) -> String {
    let mut out = csv_line(&[s.lead.clone(), s.heads.clone()].concat());
    for (lead, f) in &s.rows {
        let mut fields = lead.clone();
        fields.extend(
            values(f)
                .iter()
                .map(|v| v.map(Value::text).unwrap_or_default()),
        );
        out.push_str(&csv_line(&fields));
    }
    out
}

/// The report as an .xlsx workbook of one sheet.
pub fn xlsx(s: &Sheet) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("KPI")?;
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color("#E8EEF4");
    let count = Format::new().set_num_format("0");
    let two = Format::new().set_num_format("0.00");
    let money = Format::new().set_num_format("#,##0.00");
    ws.write_string_with_format(0, 0, &s.title, &title)?;
    let lead = u16::try_from(s.lead.len()).unwrap_or(u16::MAX);
    for (c, h) in s.lead.iter().chain(s.heads.iter()).enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(1, c, h, &head)?;
        ws.set_column_width(c, if c < lead { 24 } else { 12 })?;
    }
    for (r, (texts, f)) in s.rows.iter().enumerate() {
        let r = u32::try_from(r + 2).unwrap_or(u32::MAX);
        for (c, t) in texts.iter().enumerate() {
            ws.write_string(r, u16::try_from(c).unwrap_or(u16::MAX), t)?;
        }
        for (k, v) in values(f).iter().enumerate() {
            let c = lead + u16::try_from(k).unwrap_or(u16::MAX);
            let Some(v) = v else { continue };
            let fmt = match COLUMNS[k].1 {
                Cell::Count => &count,
                Cell::Percent | Cell::Hours => &two,
                Cell::Money => &money,
            };
            ws.write_number_with_format(r, c, v.number(), fmt)?;
        }
    }
    ws.set_freeze_panes(2, lead)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::money::Fen;

    fn sheet() -> Sheet {
        Sheet {
            title: "T".into(),
            lead: vec!["name".into()],
            heads: COLUMNS.iter().map(|(k, _)| k.to_string()).collect(),
            rows: vec![(
                vec!["a,b".into()],
                Figures {
                    applications: 7,
                    contract_value: Fen(123_456),
                    ..Default::default()
                },
            )],
        }
    }

    #[test]
    fn csv_has_headers_and_plain_numbers() {
        let c = csv(&sheet());
        let mut lines = c.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("name,applications,admissions")
        );
        let row = lines.next().unwrap();
        assert!(row.starts_with("\"a,b\",7,0,"), "{row}");
        assert!(row.contains(",1234.56,"), "{row}");
        // No space: no occupancy; no grants face: empty fields.
        assert!(row.contains(",0,0,,0.00,"), "{row}");
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let b = xlsx(&sheet()).unwrap();
        assert_eq!(&b[..2], b"PK");
    }
}
