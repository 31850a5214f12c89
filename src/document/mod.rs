//! The photo of an identity document: would a KYC check accept it, and what
//! does it say the person will type.
//!
//! Pure functions over an RGB picture and data: no files, no clock ("today"
//! is an argument). `mrz` reads machine-readable zones and their check
//! digits, `cnid` the Chinese resident ID number and validity dates,
//! `names` compares a name as typed with the document's. `ocr` reads the
//! text of a picture (PP-OCRv4 run by tract; `ctc` decodes its recogniser's
//! output, also at an exact length), `zone` finds the MRZ among
//! the lines read, `find` finds the document's outline,
//! `quality` measures its photo (light, glare, blur, text size, tilt), and
//! `check` judges the photo (issues, verdict, JSON).

pub mod check;
pub mod cnid;
pub mod ctc;
pub mod date;
pub mod find;
pub mod guide;
pub mod mrz;
pub mod names;
pub mod ocr;
pub mod quality;
pub mod zone;
