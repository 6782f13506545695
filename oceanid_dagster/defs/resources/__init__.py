"""One ``ConfigurableResource`` per outside system; SQL and HTTP live here, in operations named by intent."""
