"""Chapter record: how past forecasts of data-centre electricity fared, the decade when
efficiency held it flat, and the growth of training compute."""
