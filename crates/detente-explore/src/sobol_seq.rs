//! Sobol' low-discrepancy sequence (Sobol' 1967), built as in Bratley & Fox (1988,
//! ACM TOMS Algorithm 659) with the direction numbers of Joe & Kuo (2008), points in
//! Gray-code order (Antonov & Saleev 1979).
//!
//! Convention: the sequence starts at index 0, the all-zero point, exactly like Joe &
//! Kuo's reference program and `scipy.stats.qmc.Sobol(scramble=False)`. Dropping it
//! would spoil the balance of the first 2^m points (Owen 2020, "On dropping the first
//! Sobol' point"); a caller that must avoid 0, say before an inverse CDF, should
//! [`Sobol::seek`] to a power of two instead, as the Saltelli design does.
//!
//! Coordinates carry 53 bits, so they are exact `f64` values in `[0, 1)` and the
//! sequence only repeats after 2^53 points.

/// Largest number of dimensions [`Sobol::new`] accepts (the table below stops there;
/// a Saltelli design for k inputs needs 2k).
pub const MAX_DIMS: usize = 256;

const BITS: usize = 53;
const SCALE: f64 = 1.0 / (1u64 << BITS) as f64;

/// Primitive polynomials and initial direction numbers for dimensions 2..=[`MAX_DIMS`],
/// from Joe & Kuo, "Constructing Sobol sequences with better two-dimensional
/// projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654, file
/// `new-joe-kuo-6.21201` on F. Y. Kuo's Sobol' page (search criterion D(6)).
///
/// Each entry is `(a, m)`: the polynomial of degree `s = m.len()` is
/// `x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1` with `a = a_1 a_2 .. a_(s-1)` in binary,
/// and `m` holds `m_1 .. m_s`. The rows were taken from SALib's `directions.py` and
/// checked entry by entry against `_sobol_direction_numbers.npz` of SciPy 1.17, both
/// of which redistribute that file; the tests re-check primitivity and ordering.
/// Dimension 1 has no entry: all its `m_k` are 1 (the van der Corput sequence).
#[rustfmt::skip]
static JOE_KUO: [(u32, &[u32]); MAX_DIMS - 1] = [
    (0, &[1]),
    (1, &[1, 3]),
    (1, &[1, 3, 1]),
    (2, &[1, 1, 1]),
    (1, &[1, 1, 3, 3]),
    (4, &[1, 3, 5, 13]),
    (2, &[1, 1, 5, 5, 17]),
    (4, &[1, 1, 5, 5, 5]),
    (7, &[1, 1, 7, 11, 19]),
    (11, &[1, 1, 5, 1, 1]),
    (13, &[1, 1, 1, 3, 11]),
    (14, &[1, 3, 5, 5, 31]),
    (1, &[1, 3, 3, 9, 7, 49]),
    (13, &[1, 1, 1, 15, 21, 21]),
    (16, &[1, 3, 1, 13, 27, 49]),
    (19, &[1, 1, 1, 15, 7, 5]),
    (22, &[1, 3, 1, 15, 13, 25]),
    (25, &[1, 1, 5, 5, 19, 61]),
    (1, &[1, 3, 7, 11, 23, 15, 103]),
    (4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, &[1, 1, 3, 13, 7, 35, 63]),
    (8, &[1, 3, 5, 9, 1, 25, 53]),
    (14, &[1, 3, 1, 13, 9, 35, 107]),
    (19, &[1, 3, 1, 5, 27, 61, 31]),
    (21, &[1, 1, 5, 11, 19, 41, 61]),
    (28, &[1, 3, 5, 3, 3, 13, 69]),
    (31, &[1, 1, 7, 13, 1, 19, 1]),
    (32, &[1, 3, 7, 5, 13, 19, 59]),
    (37, &[1, 1, 3, 9, 25, 29, 41]),
    (41, &[1, 3, 5, 13, 23, 1, 55]),
    (42, &[1, 3, 7, 3, 13, 59, 17]),
    (50, &[1, 3, 1, 3, 5, 53, 69]),
    (55, &[1, 1, 5, 5, 23, 33, 13]),
    (56, &[1, 1, 7, 7, 1, 61, 123]),
    (59, &[1, 1, 7, 9, 13, 61, 49]),
    (62, &[1, 3, 3, 5, 3, 55, 33]),
    (14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (38, &[1, 3, 1, 11, 27, 43, 71, 9]),
    (47, &[1, 1, 7, 15, 21, 11, 81, 45]),
    (49, &[1, 3, 7, 3, 25, 31, 65, 79]),
    (50, &[1, 3, 1, 1, 19, 11, 3, 205]),
    (52, &[1, 1, 5, 9, 19, 21, 29, 157]),
    (56, &[1, 3, 7, 11, 1, 33, 89, 185]),
    (67, &[1, 3, 3, 3, 15, 9, 79, 71]),
    (70, &[1, 3, 7, 11, 15, 39, 119, 27]),
    (84, &[1, 1, 3, 1, 11, 31, 97, 225]),
    (97, &[1, 1, 1, 3, 23, 43, 57, 177]),
    (103, &[1, 3, 7, 7, 17, 17, 37, 71]),
    (115, &[1, 3, 1, 5, 27, 63, 123, 213]),
    (122, &[1, 1, 3, 5, 11, 43, 53, 133]),
    (8, &[1, 3, 5, 5, 29, 17, 47, 173, 479]),
    (13, &[1, 3, 3, 11, 3, 1, 109, 9, 69]),
    (16, &[1, 1, 1, 5, 17, 39, 23, 5, 343]),
    (22, &[1, 3, 1, 5, 25, 15, 31, 103, 499]),
    (25, &[1, 1, 1, 11, 11, 17, 63, 105, 183]),
    (44, &[1, 1, 5, 11, 9, 29, 97, 231, 363]),
    (47, &[1, 1, 5, 15, 19, 45, 41, 7, 383]),
    (52, &[1, 3, 7, 7, 31, 19, 83, 137, 221]),
    (55, &[1, 1, 1, 3, 23, 15, 111, 223, 83]),
    (59, &[1, 1, 5, 13, 31, 15, 55, 25, 161]),
    (62, &[1, 1, 3, 13, 25, 47, 39, 87, 257]),
    (67, &[1, 1, 1, 11, 21, 53, 125, 249, 293]),
    (74, &[1, 1, 7, 11, 11, 7, 57, 79, 323]),
    (81, &[1, 1, 5, 5, 17, 13, 81, 3, 131]),
    (82, &[1, 1, 7, 13, 23, 7, 65, 251, 475]),
    (87, &[1, 3, 5, 1, 9, 43, 3, 149, 11]),
    (91, &[1, 1, 3, 13, 31, 13, 13, 255, 487]),
    (94, &[1, 3, 3, 1, 5, 63, 89, 91, 127]),
    (103, &[1, 1, 3, 3, 1, 19, 123, 127, 237]),
    (104, &[1, 1, 5, 7, 23, 31, 37, 243, 289]),
    (109, &[1, 1, 5, 11, 17, 53, 117, 183, 491]),
    (122, &[1, 1, 1, 5, 1, 13, 13, 209, 345]),
    (124, &[1, 1, 3, 15, 1, 57, 115, 7, 33]),
    (137, &[1, 3, 1, 11, 7, 43, 81, 207, 175]),
    (138, &[1, 3, 1, 1, 15, 27, 63, 255, 49]),
    (143, &[1, 3, 5, 3, 27, 61, 105, 171, 305]),
    (145, &[1, 1, 5, 3, 1, 3, 57, 249, 149]),
    (152, &[1, 1, 3, 5, 5, 57, 15, 13, 159]),
    (157, &[1, 1, 1, 11, 7, 11, 105, 141, 225]),
    (167, &[1, 3, 3, 5, 27, 59, 121, 101, 271]),
    (173, &[1, 3, 5, 9, 11, 49, 51, 59, 115]),
    (176, &[1, 1, 7, 1, 23, 45, 125, 71, 419]),
    (181, &[1, 1, 3, 5, 23, 5, 105, 109, 75]),
    (182, &[1, 1, 7, 15, 7, 11, 67, 121, 453]),
    (185, &[1, 3, 7, 3, 9, 13, 31, 27, 449]),
    (191, &[1, 3, 1, 15, 19, 39, 39, 89, 15]),
    (194, &[1, 1, 1, 1, 1, 33, 73, 145, 379]),
    (199, &[1, 3, 1, 15, 15, 43, 29, 13, 483]),
    (218, &[1, 1, 7, 3, 19, 27, 85, 131, 431]),
    (220, &[1, 3, 3, 3, 5, 35, 23, 195, 349]),
    (227, &[1, 3, 3, 7, 9, 27, 39, 59, 297]),
    (229, &[1, 1, 3, 9, 11, 17, 13, 241, 157]),
    (230, &[1, 3, 7, 15, 25, 57, 33, 189, 213]),
    (234, &[1, 1, 7, 1, 9, 55, 73, 83, 217]),
    (236, &[1, 3, 3, 13, 19, 27, 23, 113, 249]),
    (241, &[1, 3, 5, 3, 23, 43, 3, 253, 479]),
    (244, &[1, 1, 5, 5, 11, 5, 45, 117, 217]),
    (253, &[1, 3, 3, 7, 29, 37, 33, 123, 147]),
    (4, &[1, 3, 1, 15, 5, 5, 37, 227, 223, 459]),
    (13, &[1, 1, 7, 5, 5, 39, 63, 255, 135, 487]),
    (19, &[1, 3, 1, 7, 9, 7, 87, 249, 217, 599]),
    (22, &[1, 1, 3, 13, 9, 47, 7, 225, 363, 247]),
    (50, &[1, 3, 7, 13, 19, 13, 9, 67, 9, 737]),
    (55, &[1, 3, 5, 5, 19, 59, 7, 41, 319, 677]),
    (64, &[1, 1, 5, 3, 31, 63, 15, 43, 207, 789]),
    (69, &[1, 1, 7, 9, 13, 39, 3, 47, 497, 169]),
    (98, &[1, 3, 1, 7, 21, 17, 97, 19, 415, 905]),
    (107, &[1, 3, 7, 1, 3, 31, 71, 111, 165, 127]),
    (115, &[1, 1, 5, 11, 1, 61, 83, 119, 203, 847]),
    (121, &[1, 3, 3, 13, 9, 61, 19, 97, 47, 35]),
    (127, &[1, 1, 7, 7, 15, 29, 63, 95, 417, 469]),
    (134, &[1, 3, 1, 9, 25, 9, 71, 57, 213, 385]),
    (140, &[1, 3, 5, 13, 31, 47, 101, 57, 39, 341]),
    (145, &[1, 1, 3, 3, 31, 57, 125, 173, 365, 551]),
    (152, &[1, 3, 7, 1, 13, 57, 67, 157, 451, 707]),
    (158, &[1, 1, 1, 7, 21, 13, 105, 89, 429, 965]),
    (161, &[1, 1, 5, 9, 17, 51, 45, 119, 157, 141]),
    (171, &[1, 3, 7, 7, 13, 45, 91, 9, 129, 741]),
    (181, &[1, 3, 7, 1, 23, 57, 67, 141, 151, 571]),
    (194, &[1, 1, 3, 11, 17, 47, 93, 107, 375, 157]),
    (199, &[1, 3, 3, 5, 11, 21, 43, 51, 169, 915]),
    (203, &[1, 1, 5, 3, 15, 55, 101, 67, 455, 625]),
    (208, &[1, 3, 5, 9, 1, 23, 29, 47, 345, 595]),
    (227, &[1, 3, 7, 7, 5, 49, 29, 155, 323, 589]),
    (242, &[1, 3, 3, 7, 5, 41, 127, 61, 261, 717]),
    (251, &[1, 3, 7, 7, 17, 23, 117, 67, 129, 1009]),
    (253, &[1, 1, 3, 13, 11, 39, 21, 207, 123, 305]),
    (265, &[1, 1, 3, 9, 29, 3, 95, 47, 231, 73]),
    (266, &[1, 3, 1, 9, 1, 29, 117, 21, 441, 259]),
    (274, &[1, 3, 1, 13, 21, 39, 125, 211, 439, 723]),
    (283, &[1, 1, 7, 3, 17, 63, 115, 89, 49, 773]),
    (289, &[1, 3, 7, 13, 11, 33, 101, 107, 63, 73]),
    (295, &[1, 1, 5, 5, 13, 57, 63, 135, 437, 177]),
    (301, &[1, 1, 3, 7, 27, 63, 93, 47, 417, 483]),
    (316, &[1, 1, 3, 1, 23, 29, 1, 191, 49, 23]),
    (319, &[1, 1, 3, 15, 25, 55, 9, 101, 219, 607]),
    (324, &[1, 3, 1, 7, 7, 19, 51, 251, 393, 307]),
    (346, &[1, 3, 3, 3, 25, 55, 17, 75, 337, 3]),
    (352, &[1, 1, 1, 13, 25, 17, 65, 45, 479, 413]),
    (361, &[1, 1, 7, 7, 27, 49, 99, 161, 213, 727]),
    (367, &[1, 3, 5, 1, 23, 5, 43, 41, 251, 857]),
    (382, &[1, 3, 3, 7, 11, 61, 39, 87, 383, 835]),
    (395, &[1, 1, 3, 15, 13, 7, 29, 7, 505, 923]),
    (398, &[1, 3, 7, 1, 5, 31, 47, 157, 445, 501]),
    (400, &[1, 1, 3, 7, 1, 43, 9, 147, 115, 605]),
    (412, &[1, 3, 3, 13, 5, 1, 119, 211, 455, 1001]),
    (419, &[1, 1, 3, 5, 13, 19, 3, 243, 75, 843]),
    (422, &[1, 3, 7, 7, 1, 19, 91, 249, 357, 589]),
    (426, &[1, 1, 1, 9, 1, 25, 109, 197, 279, 411]),
    (428, &[1, 3, 1, 15, 23, 57, 59, 135, 191, 75]),
    (433, &[1, 1, 5, 15, 29, 21, 39, 253, 383, 349]),
    (446, &[1, 3, 3, 5, 19, 45, 61, 151, 199, 981]),
    (454, &[1, 3, 5, 13, 9, 61, 107, 141, 141, 1]),
    (457, &[1, 3, 1, 11, 27, 25, 85, 105, 309, 979]),
    (472, &[1, 3, 3, 11, 19, 7, 115, 223, 349, 43]),
    (493, &[1, 1, 7, 9, 21, 39, 123, 21, 275, 927]),
    (505, &[1, 1, 7, 13, 15, 41, 47, 243, 303, 437]),
    (508, &[1, 1, 1, 7, 7, 3, 15, 99, 409, 719]),
    (2, &[1, 3, 3, 15, 27, 49, 113, 123, 113, 67, 469]),
    (11, &[1, 3, 7, 11, 3, 23, 87, 169, 119, 483, 199]),
    (21, &[1, 1, 5, 15, 7, 17, 109, 229, 179, 213, 741]),
    (22, &[1, 1, 5, 13, 11, 17, 25, 135, 403, 557, 1433]),
    (35, &[1, 3, 1, 1, 1, 61, 67, 215, 189, 945, 1243]),
    (49, &[1, 1, 7, 13, 17, 33, 9, 221, 429, 217, 1679]),
    (50, &[1, 1, 3, 11, 27, 3, 15, 93, 93, 865, 1049]),
    (56, &[1, 3, 7, 7, 25, 41, 121, 35, 373, 379, 1547]),
    (61, &[1, 3, 3, 9, 11, 35, 45, 205, 241, 9, 59]),
    (70, &[1, 3, 1, 7, 3, 51, 7, 177, 53, 975, 89]),
    (74, &[1, 1, 3, 5, 27, 1, 113, 231, 299, 759, 861]),
    (79, &[1, 3, 3, 15, 25, 29, 5, 255, 139, 891, 2031]),
    (84, &[1, 3, 1, 1, 13, 9, 109, 193, 419, 95, 17]),
    (88, &[1, 1, 7, 9, 3, 7, 29, 41, 135, 839, 867]),
    (103, &[1, 1, 7, 9, 25, 49, 123, 217, 113, 909, 215]),
    (104, &[1, 1, 7, 3, 23, 15, 43, 133, 217, 327, 901]),
    (112, &[1, 1, 3, 3, 13, 53, 63, 123, 477, 711, 1387]),
    (115, &[1, 1, 3, 15, 7, 29, 75, 119, 181, 957, 247]),
    (117, &[1, 1, 1, 11, 27, 25, 109, 151, 267, 99, 1461]),
    (122, &[1, 3, 7, 15, 5, 5, 53, 145, 11, 725, 1501]),
    (134, &[1, 3, 7, 1, 9, 43, 71, 229, 157, 607, 1835]),
    (137, &[1, 3, 3, 13, 25, 1, 5, 27, 471, 349, 127]),
    (146, &[1, 1, 1, 1, 23, 37, 9, 221, 269, 897, 1685]),
    (148, &[1, 1, 3, 3, 31, 29, 51, 19, 311, 553, 1969]),
    (157, &[1, 3, 7, 5, 5, 55, 17, 39, 475, 671, 1529]),
    (158, &[1, 1, 7, 1, 1, 35, 47, 27, 437, 395, 1635]),
    (162, &[1, 1, 7, 3, 13, 23, 43, 135, 327, 139, 389]),
    (164, &[1, 3, 7, 3, 9, 25, 91, 25, 429, 219, 513]),
    (168, &[1, 1, 3, 5, 13, 29, 119, 201, 277, 157, 2043]),
    (173, &[1, 3, 5, 3, 29, 57, 13, 17, 167, 739, 1031]),
    (185, &[1, 3, 3, 5, 29, 21, 95, 27, 255, 679, 1531]),
    (186, &[1, 3, 7, 15, 9, 5, 21, 71, 61, 961, 1201]),
    (191, &[1, 3, 5, 13, 15, 57, 33, 93, 459, 867, 223]),
    (193, &[1, 1, 1, 15, 17, 43, 127, 191, 67, 177, 1073]),
    (199, &[1, 1, 1, 15, 23, 7, 21, 199, 75, 293, 1611]),
    (213, &[1, 3, 7, 13, 15, 39, 21, 149, 65, 741, 319]),
    (214, &[1, 3, 7, 11, 23, 13, 101, 89, 277, 519, 711]),
    (220, &[1, 3, 7, 15, 19, 27, 85, 203, 441, 97, 1895]),
    (227, &[1, 3, 1, 3, 29, 25, 21, 155, 11, 191, 197]),
    (236, &[1, 1, 7, 5, 27, 11, 81, 101, 457, 675, 1687]),
    (242, &[1, 3, 1, 5, 25, 5, 65, 193, 41, 567, 781]),
    (251, &[1, 3, 1, 5, 11, 15, 113, 77, 411, 695, 1111]),
    (256, &[1, 1, 3, 9, 11, 53, 119, 171, 55, 297, 509]),
    (259, &[1, 1, 1, 1, 11, 39, 113, 139, 165, 347, 595]),
    (265, &[1, 3, 7, 11, 9, 17, 101, 13, 81, 325, 1733]),
    (266, &[1, 3, 1, 1, 21, 43, 115, 9, 113, 907, 645]),
    (276, &[1, 1, 7, 3, 9, 25, 117, 197, 159, 471, 475]),
    (292, &[1, 3, 1, 9, 11, 21, 57, 207, 485, 613, 1661]),
    (304, &[1, 1, 7, 7, 27, 55, 49, 223, 89, 85, 1523]),
    (310, &[1, 1, 5, 3, 19, 41, 45, 51, 447, 299, 1355]),
    (316, &[1, 3, 1, 13, 1, 33, 117, 143, 313, 187, 1073]),
    (319, &[1, 1, 7, 7, 5, 11, 65, 97, 377, 377, 1501]),
    (322, &[1, 3, 1, 1, 21, 35, 95, 65, 99, 23, 1239]),
    (328, &[1, 1, 5, 9, 3, 37, 95, 167, 115, 425, 867]),
    (334, &[1, 3, 3, 13, 1, 37, 27, 189, 81, 679, 773]),
    (339, &[1, 1, 3, 11, 1, 61, 99, 233, 429, 969, 49]),
    (341, &[1, 1, 1, 7, 25, 63, 99, 165, 245, 793, 1143]),
    (345, &[1, 1, 5, 11, 11, 43, 55, 65, 71, 283, 273]),
    (346, &[1, 1, 5, 5, 9, 3, 101, 251, 355, 379, 1611]),
    (362, &[1, 1, 1, 15, 21, 63, 85, 99, 49, 749, 1335]),
    (367, &[1, 1, 5, 13, 27, 9, 121, 43, 255, 715, 289]),
    (372, &[1, 3, 1, 5, 27, 19, 17, 223, 77, 571, 1415]),
    (375, &[1, 1, 5, 3, 13, 59, 125, 251, 195, 551, 1737]),
    (376, &[1, 3, 3, 15, 13, 27, 49, 105, 389, 971, 755]),
    (381, &[1, 3, 5, 15, 23, 43, 35, 107, 447, 763, 253]),
    (385, &[1, 3, 5, 11, 21, 3, 17, 39, 497, 407, 611]),
    (388, &[1, 1, 7, 13, 15, 31, 113, 17, 23, 507, 1995]),
    (392, &[1, 1, 7, 15, 3, 15, 31, 153, 423, 79, 503]),
    (409, &[1, 1, 7, 9, 19, 25, 23, 171, 505, 923, 1989]),
    (415, &[1, 1, 5, 9, 21, 27, 121, 223, 133, 87, 697]),
    (416, &[1, 1, 5, 5, 9, 19, 107, 99, 319, 765, 1461]),
    (421, &[1, 1, 3, 3, 19, 25, 3, 101, 171, 729, 187]),
    (428, &[1, 1, 3, 1, 13, 23, 85, 93, 291, 209, 37]),
    (431, &[1, 1, 1, 15, 25, 25, 77, 253, 333, 947, 1073]),
    (434, &[1, 1, 3, 9, 17, 29, 55, 47, 255, 305, 2037]),
    (439, &[1, 3, 3, 9, 29, 63, 9, 103, 489, 939, 1523]),
    (446, &[1, 3, 7, 15, 7, 31, 89, 175, 369, 339, 595]),
    (451, &[1, 3, 7, 13, 25, 5, 71, 207, 251, 367, 665]),
    (453, &[1, 3, 3, 3, 21, 25, 75, 35, 31, 321, 1603]),
    (457, &[1, 1, 1, 9, 11, 1, 65, 5, 11, 329, 535]),
    (458, &[1, 1, 5, 3, 19, 13, 17, 43, 379, 485, 383]),
    (471, &[1, 3, 5, 13, 13, 9, 85, 147, 489, 787, 1133]),
    (475, &[1, 3, 1, 1, 5, 51, 37, 129, 195, 297, 1783]),
    (478, &[1, 1, 3, 15, 19, 57, 59, 181, 455, 697, 2033]),
    (484, &[1, 3, 7, 1, 27, 9, 65, 145, 325, 189, 201]),
    (493, &[1, 3, 1, 15, 31, 23, 19, 5, 485, 581, 539]),
    (494, &[1, 1, 7, 13, 11, 15, 65, 83, 185, 847, 831]),
    (499, &[1, 3, 5, 7, 7, 55, 73, 15, 303, 511, 1905]),
    (502, &[1, 3, 5, 9, 7, 21, 45, 15, 397, 385, 597]),
    (517, &[1, 3, 7, 3, 23, 13, 73, 221, 511, 883, 1265]),
    (518, &[1, 1, 3, 11, 1, 51, 73, 185, 33, 975, 1441]),
    (524, &[1, 3, 3, 9, 19, 59, 21, 39, 339, 37, 143]),
    (527, &[1, 1, 7, 1, 31, 33, 19, 167, 117, 635, 639]),
    (555, &[1, 1, 1, 3, 5, 13, 59, 83, 355, 349, 1967]),
    (560, &[1, 1, 1, 5, 19, 3, 53, 133, 97, 863, 983]),
];

/// A Sobol' sequence generator in `dims` dimensions.
#[derive(Debug, Clone)]
pub struct Sobol {
    dims: usize,
    /// `BITS` direction numbers per dimension, dimension-major; entry `k` is `v_(k+1)`
    /// scaled by 2^BITS.
    directions: Vec<u64>,
    /// The point at `index`, scaled by 2^BITS.
    x: Vec<u64>,
    index: u64,
}

/// A Sobol' sequence was asked for 0 or more than [`MAX_DIMS`] dimensions (the number asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a Sobol' sequence needs between 1 and {max} dimensions, not {0}", max = MAX_DIMS)]
pub struct DimsError(pub usize);

impl Sobol {
    /// A generator positioned at index 0 (the all-zero point).
    ///
    /// Errors when `dims` is 0 or larger than [`MAX_DIMS`].
    pub fn new(dims: usize) -> Result<Self, DimsError> {
        if dims == 0 || dims > MAX_DIMS {
            return Err(DimsError(dims));
        }
        let mut directions = vec![0u64; dims * BITS];
        for (j, v) in directions.chunks_exact_mut(BITS).enumerate() {
            let (a, m): (u32, &[u32]) = if j == 0 { (0, &[1]) } else { JOE_KUO[j - 1] };
            let s = m.len();
            for k in 0..BITS {
                v[k] = if j == 0 {
                    1 << (BITS - 1 - k)
                } else if k < s {
                    u64::from(m[k]) << (BITS - 1 - k)
                } else {
                    // Bratley & Fox (1988): v_k from the s previous ones via the
                    // polynomial's recurrence.
                    let mut vk = v[k - s] ^ (v[k - s] >> s);
                    for i in 1..s {
                        if (a >> (s - 1 - i)) & 1 == 1 {
                            vk ^= v[k - i];
                        }
                    }
                    vk
                };
            }
        }
        Ok(Self {
            dims,
            directions,
            x: vec![0; dims],
            index: 0,
        })
    }

    /// Number of dimensions.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Index of the point the next call to [`Sobol::next_point`] writes.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Jump to point `index` (taken modulo 2^53) without generating those before it.
    pub fn seek(&mut self, index: u64) {
        let index = index & ((1u64 << BITS) - 1);
        let gray = index ^ (index >> 1);
        for (xj, v) in self.x.iter_mut().zip(self.directions.chunks_exact(BITS)) {
            *xj = v
                .iter()
                .enumerate()
                .filter(|&(b, _)| (gray >> b) & 1 == 1)
                .fold(0, |acc, (_, &vb)| acc ^ vb);
        }
        self.index = index;
    }

    /// Write the point at [`Sobol::index`] into `out` and move to the next one.
    ///
    /// # Panics
    /// If `out.len()` differs from [`Sobol::dims`].
    pub fn next_point(&mut self, out: &mut [f64]) {
        assert_eq!(
            out.len(),
            self.dims,
            "Sobol::next_point: buffer length must equal the dimension"
        );
        for (o, &xj) in out.iter_mut().zip(&self.x) {
            *o = xj as f64 * SCALE;
        }
        // Gray-code order: the next point differs from this one by the direction
        // number of the lowest zero bit of the current index (Antonov & Saleev 1979).
        let c = self.index.trailing_ones() as usize;
        if c >= BITS {
            self.seek(0);
            return;
        }
        for (xj, v) in self.x.iter_mut().zip(self.directions.chunks_exact(BITS)) {
            *xj ^= v[c];
        }
        self.index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(dims: usize, count: usize) -> Vec<Vec<f64>> {
        let mut sobol = Sobol::new(dims).expect("valid dimension");
        (0..count)
            .map(|_| {
                let mut p = vec![0.0; dims];
                sobol.next_point(&mut p);
                p
            })
            .collect()
    }

    #[test]
    fn first_points_match_published_values() {
        // Dimension 1 is van der Corput in Gray-code order; dimensions 2 and 3 as
        // printed by Joe & Kuo's reference program for new-joe-kuo-6.21201.
        let expected = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
            [0.1875, 0.3125, 0.9375],
            [0.6875, 0.8125, 0.4375],
        ];
        for dims in 1..=3 {
            let got = points(dims, expected.len());
            for (g, e) in got.iter().zip(&expected) {
                assert_eq!(g[..], e[..dims]);
            }
        }
    }

    #[test]
    fn matches_scipy_reference_checksum() {
        // FNV-1a over 2^12 * x for the first 4096 points in all 256 dimensions, as
        // computed from scipy.stats.qmc.Sobol(256, scramble=False) (SciPy 1.17), which
        // uses the same Joe-Kuo numbers. Points below 2^12 use every m_k in the table.
        let mut sobol = Sobol::new(MAX_DIMS).expect("valid dimension");
        let mut p = vec![0.0; MAX_DIMS];
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for _ in 0..4096 {
            sobol.next_point(&mut p);
            for &x in &p {
                let v = x * 4096.0;
                assert_eq!(v.fract(), 0.0);
                h = (h ^ v as u64).wrapping_mul(0x0100_0000_01b3);
            }
        }
        assert_eq!(h, 0x5707_0d93_65f2_d325);
    }

    #[test]
    fn coordinates_in_unit_interval() {
        let mut sobol = Sobol::new(MAX_DIMS).expect("valid dimension");
        let mut p = vec![0.0; MAX_DIMS];
        for _ in 0..5000 {
            sobol.next_point(&mut p);
            assert!(p.iter().all(|&x| (0.0..1.0).contains(&x)));
        }
    }

    #[test]
    fn every_dimension_is_stratified() {
        // The first 2^m points of each coordinate put one point in each of 2^m bins.
        let m_max = 12;
        let pts = points(MAX_DIMS, 1 << m_max);
        for j in 0..MAX_DIMS {
            for m in 0..=m_max {
                let bins = 1usize << m;
                let mut seen = vec![false; bins];
                for p in &pts[..bins] {
                    let b = (p[j] * bins as f64) as usize;
                    assert!(!seen[b], "dimension {} m {m}: bin {b} twice", j + 1);
                    seen[b] = true;
                }
            }
        }
    }

    #[test]
    fn first_two_dimensions_form_a_zero_net() {
        // Sobol' dimensions 1-2 are a (0, 2)-sequence: for every m, the first 2^m
        // points put one point in each elementary interval of area 2^-m.
        let m_max = 10;
        let pts = points(2, 1 << m_max);
        for m in 0..=m_max {
            let count = 1usize << m;
            for d1 in 0..=m {
                let (b1, b2) = (1usize << d1, 1usize << (m - d1));
                let mut seen = vec![false; count];
                for p in &pts[..count] {
                    let cell = (p[0] * b1 as f64) as usize * b2 + (p[1] * b2 as f64) as usize;
                    assert!(!seen[cell], "m {m} split {d1}: cell {cell} twice");
                    seen[cell] = true;
                }
            }
        }
    }

    #[test]
    fn seek_matches_sequential_generation() {
        let dims = 7;
        let pts = points(dims, 300);
        let mut sobol = Sobol::new(dims).expect("valid dimension");
        let mut p = vec![0.0; dims];
        for idx in [0usize, 1, 2, 5, 128, 255, 256, 299] {
            sobol.seek(idx as u64);
            assert_eq!(sobol.index(), idx as u64);
            sobol.next_point(&mut p);
            assert_eq!(p, pts[idx]);
        }
    }

    #[test]
    fn rejects_bad_dimensions() {
        assert!(Sobol::new(0).is_err());
        assert!(Sobol::new(MAX_DIMS + 1).is_err());
        assert_eq!(Sobol::new(MAX_DIMS).map(|s| s.dims()), Ok(MAX_DIMS));
    }

    /// Whether `x` has multiplicative order 2^s - 1 modulo the polynomial.
    fn is_primitive(s: usize, a: u32) -> bool {
        let poly = (1u64 << s) | (u64::from(a) << 1) | 1;
        let period = (1u64 << s) - 1;
        let mut r = 1u64;
        for j in 1..=period {
            r <<= 1;
            if r >> s & 1 == 1 {
                r ^= poly;
            }
            if r == 1 {
                return j == period;
            }
        }
        false
    }

    #[test]
    fn table_is_joe_kuo_ordering_of_primitive_polynomials() {
        // Joe & Kuo list every primitive polynomial by degree, then by a; the m_k
        // must be odd and below 2^k.
        let mut degree = 0;
        let mut expected: Vec<u32> = Vec::new();
        let mut pos = 0;
        for (d, &(a, m)) in JOE_KUO.iter().enumerate() {
            let s = m.len();
            if s != degree {
                assert!(s > degree, "dimension {}: degree went down", d + 2);
                assert_eq!(pos, expected.len(), "degree {degree} incomplete");
                degree = s;
                expected = (0..1u32 << (s - 1))
                    .filter(|&a| is_primitive(s, a))
                    .collect();
                pos = 0;
            }
            assert_eq!(Some(&a), expected.get(pos), "dimension {}", d + 2);
            pos += 1;
            for (k, &mk) in m.iter().enumerate() {
                assert!(
                    mk % 2 == 1 && mk < 1 << (k + 1),
                    "dimension {} m_{}",
                    d + 2,
                    k + 1
                );
            }
        }
    }
}
