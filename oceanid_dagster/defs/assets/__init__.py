"""One module per stage of the loop, named after its assets; asset checks beside the asset they check."""
