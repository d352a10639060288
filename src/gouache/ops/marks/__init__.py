"""Dust specks and scratches on an old photo: where they are, and their repair.

The photo is read in bands of rows (HALO rows of context above and below), so the working
set grows with the band, not the photo; only a code per pixel (what it is) and its residual
clipped to a byte are kept whole. In each band, on the luma v:

1. Residual and grain: r = v - median(v) over a MEDIAN px square (T. Huang, G. Yang,
   G. Tang, "A fast two-dimensional median filtering algorithm", IEEE TASSP 27(1), 1979;
   `cv2.medianBlur`), and the grain g = the mean of min(|r|, CONTRAST) over the same square
   (a thin mark through it raises g little). A candidate is a pixel whose |r| passes both
   CONTRAST and TEXTURE * g: a mark stands out of its ground by far more than the ground's
   own grain (grass, hair, fur) does.
2. Ridge pixels: a candidate that, across one of DIRECTIONS directions, stands out of both
   near flanks (FLANKS[0] px away) by CONTRAST, where each flank and the centre are means
   of ALONG points along the line on r blurred 3 x 3; the flanks are alike (within
   SYMMETRY of the contrast) and read as ground, near and far (FLANKS[1] px): within
   FLATNESS of the contrast of r = 0. A real edge is a step (unlike sides); a real thin
   object (a tripod's leg, a pole) has an outline of the other sign beside it, so its
   flanks are not ground; a scratch lies over unrelated content, which goes on beside it.
3. Scratches: straight runs of ridge pixels (pooled to at most COUNT_SIDE cells a side),
   found by a Hough transform (ridge cells up to GAP px apart joined), at least
   LENGTH_SHARE of the diagonal (and RUN px) long (EDGE_SHARE of that for a piece ending at
   the frame's edge, where a scratch runs off it, seen or hidden over EDGE_COVER of its
   length and even along itself: its luma's spread within EDGE_EVEN of its contrast, as
   the paper it shows is), kept when they are what a scratch is:
   drawn through (seen over SEEN of their length, and seen or hidden, crossing something as
   light or dark as themselves, over COVER; seen: a ridge cell, or the line, at most 3 px
   wide (THIN), standing out of its flanks by CONTRAST as it is traced below); alone (their
   mean profile across has no outline of the other sign beside it, OUTLINE, and alike
   sides; light scratches are kept first, and one is no outline for a dark one); straight
   (the ridge cells near them, on and past them, bend by at most STRAIGHT_SAG px: not a
   rim's chord); not following their ground (a scratch shows the
   paper, or the black of a scratched negative, whatever it crosses: the slope of its luma
   over its flanks' stays under FOLLOW_SLOPE). Each is traced on along its line while its
   contrast, averaged over TRACE_MEAN px, stays above EXTEND of CONTRAST with flanks that
   read as ground (across gaps up to RUN px), and the pixels within REACH px of the line
   that stand out its way by as much are marked. Ridge pixels on no scratch are dropped.
4. Specks: candidates lighter (darker) by SPOT_CONTRAST and SPOT_TEXTURE * g than the second
   lightest (darkest) of 16 points on a ring SPOT_RINGS px around (each point the lightest
   (darkest) of its 3 x 3 square; a point past the frame's edge read mirrored back in),
   the ring itself reading as ground (its third largest |r| within RING_SPREAD of the
   contrast); or on an even disc: a round group of candidates (its short axis EVEN_ROUND
   of its long one) whose pixels are alike (spread within EVEN_SPREAD of its contrast, on
   its core when that has EVEN_CORE pixels) standing out of the ring 3-4 px around it
   by EVEN_CONTRAST times the speck threshold, that ring's spread within EVEN_RING of it
   (dust is one flat lump over busy ground, where the ring test fails; content's blobs
   are shaded). A round group of candidates SPOT_LARGE px wide
   or more is also tried on two rings just outside it (the near fixed ring lies on a
   large speck, the far one on its soft edge). Groups of them no wider than SPOT_WIDTH are
   specks (a line fills its own ring: it is no speck); a speck is the pixels within
   SPOT_REACH of its peak that stand out by SPOT_EXTENT of it.
5. Rims: a pixel next to a mark that stands out the same way by more than RIM of the mark
   (and RIM_LEVELS levels) is its soft edge, and is filled with it.
6. Confirmation: a small net trained on generated damage over other photos
   (`gouache.ops.marksnet`) reads the same picture, and each group of marked pixels off
   the scratches on which it is nowhere CONFIRM sure of a mark is dropped: the speck tests
   above, with their threshold lowered (SPOT_CONTRAST 20, from 25), take fewer of the
   picture's own dots for dust (highlights on metal, foam, catch-lights).
7. Learned specks: a round group of pixels (no wider than SPOT_WIDTH, its short side
   LEARNED_ROUND of its long one, filling LEARNED_FILL of its box) on which the net is
   LEARNED_SURE sure of a mark is a speck, found or not by the tests above: a large speck
   raises the grain it is measured against, and one touching something as dark stands
   out of no full ring. The net reads the chroma too (dust is grey over any colour).
   Then each group of unmarked pixels touching a mark, on which the net is LEARNED_EDGE
   sure of a mark and LEARNED_MEAN sure on average, is marked too: mostly the rest of a
   scratch whose faint or busy stretches the tests above missed. A group touching nothing
   is taken only as a straight line LEARNED_LENGTH px long or more (its mean offset across
   the line, in STRETCHES stretches along it, within LEARNED_SAG px): other lone groups
   were too often real things (a tripod's handle, a highlight along a cup's rim).
   The groups are labelled a band of rows at a time and joined across the bands' edges.
8. Fill: A. Telea, "An image inpainting technique based on the fast marching method",
   Journal of Graphics Tools 9(1), 2004 (`cv2.inpaint`), only on the tiles holding marks.

Measured on generated damage (`gouache.evals.damage`) over five photos and on the clean
photos themselves: see `benchmarks/restoration.py` and tests/ops/test_marks.py.
"""

from gouache.ops.marks.find import MIN_SIDE, Marks, find_marks, repair

__all__ = ["MIN_SIDE", "Marks", "find_marks", "repair"]
