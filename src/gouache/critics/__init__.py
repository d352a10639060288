"""Critics: each measures one checkable criterion of an image and returns a Score.

    base.py          Score, CriticContext, the Critic protocol (and ItemisedCritic,
                     ConditionalCritic, Skipped, score_all), margin helpers
    text.py          RequiredText     requested text read by OCR (normalised edit distance)
    forbidden.py     ForbiddenWords   listed words or phrases absent
    palette.py       Palette          share of pixels within a CIEDE2000 tolerance of the
                                      allowed colours; the dominant colours
    logo.py          LogoPlacement    the logo in an allowed corner, large enough
                                      (multi-scale masked NCC template matching)
    margins.py       SafeMargins      text, logo, faces or subject clear of the edges
    geometry.py      AspectSize       aspect ratio and size
    identity.py      Identity         each character's face, one Score per character
    preservation.py  Preservation     PSNR and SSIM outside the edit mask, against the source
    exposure.py      Exposure         clipped share and mean luminance
    sharpness.py     Sharpness        variance of the Laplacian above a floor
    guideline.py     Guideline        a YAML file of criteria with weights and free-text rules;
                     Evaluation       its verdict on one image, as a table or JSON

Nothing is imported here, so that importing one critic does not import them all.
"""
