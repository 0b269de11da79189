//! The OCR engine: tesseract's command line, all boxes of one picture in one call.
//! (Skeleton: helper B fills it.)
