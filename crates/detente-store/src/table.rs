//! Tables of rows from any CSV or Parquet file, not only detente's results files: what
//! `detente eval` reads its input rows from.
//!
//! A [`Table`] is named columns of one type each: numbers (`f64`, NaN for an empty cell or a
//! null), whole numbers, booleans or texts. A CSV file's columns are numbers except those the
//! caller names as texts; a cell of a number column that is not a number is kept as NaN and
//! listed in [`Table::not_numbers`] with its row and line, so that the caller can report every
//! such cell at once. A Parquet file's columns take their physical type (DOUBLE and FLOAT:
//! numbers; INT32 and INT64: whole numbers; BOOLEAN; BYTE_ARRAY as UTF-8: texts); nested or
//! repeated columns and other types are refused, naming the column.
//!
//! Everything is read into memory: a table costs about its values' size.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use parquet::basic::Type as PhysicalType;
use parquet::data_type::{
    BoolType, ByteArrayType, DataType, DoubleType, FloatType, Int32Type, Int64Type,
};
use parquet::file::reader::{FileReader, RowGroupReader, SerializedFileReader};

use crate::ResultsError;
use crate::results::{damaged, guard, invalid, io, parse_f64, read_column};

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// Numbers; NaN where a cell is empty or null.
    Numbers(Vec<f64>),
    /// Whole numbers (Parquet INT32 or INT64); `None` for a null.
    Integers(Vec<Option<i64>>),
    /// Booleans (Parquet BOOLEAN); `None` for a null.
    Booleans(Vec<Option<bool>>),
    /// Texts; `None` for a null (CSV: never; an empty cell is the empty text).
    Texts(Vec<Option<String>>),
}

impl Data {
    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            Data::Numbers(v) => v.len(),
            Data::Integers(v) => v.len(),
            Data::Booleans(v) => v.len(),
            Data::Texts(v) => v.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The name in the header (CSV) or the schema (Parquet).
    pub name: String,
    /// The values, one per row.
    pub data: Data,
}

/// A cell of a CSV number column that is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber {
    /// The row, from 0.
    pub row: usize,
    /// The index of the column in [`Table::columns`].
    pub column: usize,
    /// The cell as written.
    pub text: String,
}

/// A table read from a file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The columns, in file order.
    pub columns: Vec<Column>,
    /// The number of rows.
    pub rows: usize,
    /// CSV: the 1-based line each row starts on (the header is line 1). Parquet: empty.
    pub lines: Vec<u64>,
    /// CSV: the cells of number columns that are not numbers (read as NaN), in row order.
    pub not_numbers: Vec<NotANumber>,
}

/// Reads a CSV table with a header line from `reader`; `name` is how messages name the
/// source (a path, or "standard input"). Columns named in `texts` are kept as text, every
/// other column read as numbers as results files write them (an empty cell is NaN; `inf`,
/// `-inf` and `NaN` are read too). Fields are trimmed of surrounding spaces.
pub fn read_csv(reader: impl Read, name: &Path, texts: &[&str]) -> Result<Table, ResultsError> {
    let shown = name.display();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header = reader.headers().map_err(|e| io("read", name, e))?.clone();
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        return Err(invalid(
            name,
            format!("{shown} is empty: it has no header line"),
        ));
    }
    let is_text: Vec<bool> = header.iter().map(|h| texts.contains(&h)).collect();
    let mut columns: Vec<Column> = header
        .iter()
        .zip(&is_text)
        .map(|(h, &t)| Column {
            name: h.to_string(),
            data: if t {
                Data::Texts(Vec::new())
            } else {
                Data::Numbers(Vec::new())
            },
        })
        .collect();
    let mut table = Table::default();
    let mut record = csv::ByteRecord::new();
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let why = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    pos, expected_len, len,
                } => format!(
                    "{shown}, line {}: {len} field(s), but the header has {expected_len}; give every row one field per column",
                    pos.as_ref().map_or(0, csv::Position::line)
                ),
                _ => return io("read", name, e),
            };
            invalid(name, why)
        })?;
        if !more {
            break;
        }
        let row = table.rows;
        let line = record.position().map_or(0, csv::Position::line);
        for (j, (field, column)) in record.iter().zip(&mut columns).enumerate() {
            match &mut column.data {
                Data::Texts(v) => v.push(Some(text(field, name, line)?)),
                Data::Numbers(v) => match parse_f64(field) {
                    Some(x) => v.push(x),
                    None => {
                        v.push(f64::NAN);
                        table.not_numbers.push(NotANumber {
                            row,
                            column: j,
                            text: String::from_utf8_lossy(field).into_owned(),
                        });
                    }
                },
                Data::Integers(_) | Data::Booleans(_) => {}
            }
        }
        table.lines.push(line);
        table.rows += 1;
    }
    table.columns = columns;
    Ok(table)
}

fn text(field: &[u8], name: &Path, line: u64) -> Result<String, ResultsError> {
    String::from_utf8(field.to_vec()).map_err(|_| {
        invalid(
            name,
            format!(
                "{}, line {line}: a field is not UTF-8 text; save the file as UTF-8",
                name.display()
            ),
        )
    })
}

/// Reads every column of the Parquet file at `path` (flat columns only).
pub fn read_parquet(path: &Path) -> Result<Table, ResultsError> {
    guard(path, || read_parquet_unguarded(path))
}

fn read_parquet_unguarded(path: &Path) -> Result<Table, ResultsError> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| io("read", path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|source| ResultsError::NotParquet {
        path: path.to_path_buf(),
        source,
    })?;
    let meta = reader.metadata();
    let descr = meta.file_metadata().schema_descr();
    let mut columns = Vec::with_capacity(descr.num_columns());
    for (i, c) in descr.columns().iter().enumerate() {
        let flat = c.path().parts().len() == 1 && c.max_rep_level() == 0 && c.max_def_level() <= 1;
        let data = match c.physical_type() {
            _ if !flat => None,
            PhysicalType::DOUBLE | PhysicalType::FLOAT => Some(Data::Numbers(Vec::new())),
            PhysicalType::INT32 | PhysicalType::INT64 => Some(Data::Integers(Vec::new())),
            PhysicalType::BOOLEAN => Some(Data::Booleans(Vec::new())),
            PhysicalType::BYTE_ARRAY => Some(Data::Texts(Vec::new())),
            _ => None,
        };
        let Some(data) = data else {
            return Err(invalid(
                path,
                format!(
                    "{shown}: column {} `{}` is neither a number, a whole number, a boolean nor a text \
                     (a flat DOUBLE, FLOAT, INT32, INT64, BOOLEAN or BYTE_ARRAY column)",
                    i + 1,
                    c.path()
                ),
            ));
        };
        columns.push(Column {
            name: c.name().to_string(),
            data,
        });
    }
    let mut rows = 0usize;
    let mut levels = Vec::new();
    for g in 0..reader.num_row_groups() {
        let n = usize::try_from(meta.row_group(g).num_rows()).map_err(|_| {
            damaged(
                path,
                format!("{shown} is damaged: row group {g} has a negative row count"),
            )
        })?;
        let group = reader.get_row_group(g).map_err(|e| io("read", path, e))?;
        for (i, column) in columns.iter_mut().enumerate() {
            let optional = descr.column(i).max_def_level() == 1;
            let fail = |e: parquet::errors::ParquetError| io("read", path, e);
            let ok = match &mut column.data {
                Data::Numbers(v) => {
                    let got = if descr.column(i).physical_type() == PhysicalType::FLOAT {
                        read_optional::<FloatType>(&*group, i, n, optional, &mut levels)
                            .map_err(fail)?
                            .into_iter()
                            .map(|x| x.map(f64::from))
                            .collect::<Vec<_>>()
                    } else {
                        read_optional::<DoubleType>(&*group, i, n, optional, &mut levels)
                            .map_err(fail)?
                    };
                    let ok = got.len() == n;
                    v.extend(got.into_iter().map(|x| x.unwrap_or(f64::NAN)));
                    ok
                }
                Data::Integers(v) => {
                    let got = if descr.column(i).physical_type() == PhysicalType::INT32 {
                        read_optional::<Int32Type>(&*group, i, n, optional, &mut levels)
                            .map_err(fail)?
                            .into_iter()
                            .map(|x| x.map(i64::from))
                            .collect::<Vec<_>>()
                    } else {
                        read_optional::<Int64Type>(&*group, i, n, optional, &mut levels)
                            .map_err(fail)?
                    };
                    let ok = got.len() == n;
                    v.extend(got);
                    ok
                }
                Data::Booleans(v) => {
                    let got = read_optional::<BoolType>(&*group, i, n, optional, &mut levels)
                        .map_err(fail)?;
                    let ok = got.len() == n;
                    v.extend(got);
                    ok
                }
                Data::Texts(v) => {
                    let got = read_optional::<ByteArrayType>(&*group, i, n, optional, &mut levels)
                        .map_err(fail)?;
                    let ok = got.len() == n;
                    for b in got {
                        v.push(match b {
                            None => None,
                            Some(b) => {
                                Some(String::from_utf8(b.data().to_vec()).map_err(|_| {
                                    invalid(
                                        path,
                                        format!(
                                            "{shown}: column `{}` holds a text that is not UTF-8",
                                            column.name
                                        ),
                                    )
                                })?)
                            }
                        });
                    }
                    ok
                }
            };
            if !ok {
                return Err(damaged(
                    path,
                    format!(
                        "{shown} is damaged: column `{}` of row group {g} holds fewer values than its {n} rows",
                        column.name
                    ),
                ));
            }
        }
        rows += n;
    }
    Ok(Table {
        columns,
        rows,
        lines: Vec::new(),
        not_numbers: Vec::new(),
    })
}

/// The `n` values of column `i` of `group`, `None` for a null.
fn read_optional<T: DataType>(
    group: &dyn RowGroupReader,
    i: usize,
    n: usize,
    optional: bool,
    levels: &mut Vec<i16>,
) -> parquet::errors::Result<Vec<Option<T::T>>> {
    let mut values = Vec::with_capacity(n);
    if !optional {
        read_column::<T>(group, i, n, None, &mut values)?;
        return Ok(values.into_iter().map(Some).collect());
    }
    read_column::<T>(group, i, n, Some(levels), &mut values)?;
    if levels.len() != n || levels.iter().filter(|&&d| d == 1).count() != values.len() {
        // Fewer values than rows: the caller reports the damage.
        return Ok(Vec::new());
    }
    let mut present = values.into_iter();
    Ok(levels
        .iter()
        .map(|&d| if d == 1 { present.next() } else { None })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_numbers_texts_and_cells_that_are_not_numbers() {
        let text = "a,policy,b\n1, x ,\n2.5,,oops\n-inf,y,1e3\n";
        let t = read_csv(text.as_bytes(), Path::new("rows.csv"), &["policy"]).unwrap();
        assert_eq!(t.rows, 3);
        assert_eq!(t.lines, [2, 3, 4]);
        assert_eq!(
            t.columns[0].data,
            Data::Numbers(vec![1.0, 2.5, f64::NEG_INFINITY])
        );
        assert_eq!(
            t.columns[1].data,
            Data::Texts(vec![
                Some("x".into()),
                Some(String::new()),
                Some("y".into())
            ])
        );
        let Data::Numbers(b) = &t.columns[2].data else {
            panic!()
        };
        assert!(b[0].is_nan() && b[1].is_nan() && b[2] == 1000.0);
        assert_eq!(
            t.not_numbers,
            [NotANumber {
                row: 1,
                column: 2,
                text: "oops".into()
            }]
        );
        let e = read_csv("a,b\n1\n".as_bytes(), Path::new("rows.csv"), &[]).unwrap_err();
        assert!(
            e.to_string()
                .contains("line 2: 1 field(s), but the header has 2"),
            "{e}"
        );
        assert!(read_csv("".as_bytes(), Path::new("rows.csv"), &[]).is_err());
    }

    /// pandas (pyarrow) writes snappy by default and polars zstd: both are read.
    #[test]
    fn parquet_compressed_as_pandas_and_polars_write_it() {
        use parquet::basic::{Compression, ZstdLevel};
        use parquet::file::properties::WriterProperties;
        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::parser::parse_message_type;
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        for codec in [Compression::SNAPPY, Compression::ZSTD(ZstdLevel::default())] {
            let path = dir.path().join("rows.parquet");
            let schema = Arc::new(parse_message_type("message m { required double a; }").unwrap());
            let props = WriterProperties::builder().set_compression(codec).build();
            let file = File::create(&path).unwrap();
            let mut w = SerializedFileWriter::new(file, schema, Arc::new(props)).unwrap();
            let mut g = w.next_row_group().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            let values: Vec<f64> = (0..100).map(f64::from).collect();
            c.typed::<DoubleType>()
                .write_batch(&values, None, None)
                .unwrap();
            c.close().unwrap();
            g.close().unwrap();
            w.close().unwrap();
            let t = read_parquet(&path).unwrap_or_else(|e| panic!("{codec:?}: {e}"));
            assert_eq!(t.columns[0].data, Data::Numbers(values), "{codec:?}");
        }
    }

    #[test]
    fn parquet_columns_of_every_flat_type() {
        use parquet::data_type::ByteArray;
        use parquet::file::properties::WriterProperties;
        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::parser::parse_message_type;
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.parquet");
        let schema = Arc::new(
            parse_message_type(
                "message m { optional double a; required int64 seed; optional binary policy (UTF8); optional boolean f; required float g; }",
            )
            .unwrap(),
        );
        let file = File::create(&path).unwrap();
        let mut w =
            SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::builder().build()))
                .unwrap();
        for _ in 0..2 {
            let mut g = w.next_row_group().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<DoubleType>()
                .write_batch(&[0.5], Some(&[1, 0]), None)
                .unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<Int64Type>()
                .write_batch(&[7, 8], None, None)
                .unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<ByteArrayType>()
                .write_batch(&[ByteArray::from("p")], Some(&[0, 1]), None)
                .unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<BoolType>()
                .write_batch(&[true, false], Some(&[1, 1]), None)
                .unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<FloatType>()
                .write_batch(&[1.5, 2.0], None, None)
                .unwrap();
            c.close().unwrap();
            g.close().unwrap();
        }
        w.close().unwrap();
        let t = read_parquet(&path).unwrap();
        assert_eq!(t.rows, 4);
        let Data::Numbers(a) = &t.columns[0].data else {
            panic!()
        };
        assert_eq!(a[0], 0.5);
        assert!(a[1].is_nan());
        assert_eq!(
            t.columns[1].data,
            Data::Integers(vec![Some(7), Some(8), Some(7), Some(8)])
        );
        assert_eq!(
            t.columns[2].data,
            Data::Texts(vec![None, Some("p".into()), None, Some("p".into())])
        );
        assert_eq!(
            t.columns[3].data,
            Data::Booleans(vec![Some(true), Some(false), Some(true), Some(false)])
        );
        assert_eq!(t.columns[4].data, Data::Numbers(vec![1.5, 2.0, 1.5, 2.0]));
        // Not Parquet at all.
        std::fs::write(&path, "a,b\n").unwrap();
        assert!(matches!(
            read_parquet(&path),
            Err(ResultsError::NotParquet { .. })
        ));
    }
}
