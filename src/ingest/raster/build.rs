//! From a picture's layout and OCR text to the document model, in page coordinates.
//! (Skeleton: helper A fills it.)
