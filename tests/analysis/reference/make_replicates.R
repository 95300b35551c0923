# R's standard errors from the engine's replicate-weight files (run once, output committed).
#   Rscript tests/analysis/reference/make_replicates.R tests/analysis/reference/design
# Reads <prefix>_responses.csv.gz and <prefix>_repw_<method>.csv.gz (response_id, weight, repw_1..R,
# replicate_type, replicate_scale) as someone with only the file would: svrepdesign(type = the
# file's, scale = the file's, rscales = 1, mse = FALSE); writes <prefix>_replicates.csv with
# svymean's estimate and SE of NI 21 and NI 41, whole sample and by neighbourhood.
suppressMessages(library(survey))
prefix <- commandArgs(trailingOnly = TRUE)[1]
d <- read.csv(gzfile(paste0(prefix, "_responses.csv.gz")), colClasses = "character",
              na.strings = c("", "NA"))
rows <- list()
for (method in c("jk1", "bootstrap")) {
  w <- read.csv(gzfile(paste0(prefix, "_repw_", method, ".csv.gz")),
                colClasses = c(response_id = "character"))
  x <- merge(d, w, by = "response_id", sort = FALSE)
  des <- svrepdesign(data = x, weights = ~weight, repweights = "repw_[0-9]+",
                     type = x$replicate_type[1], scale = x$replicate_scale[1],
                     rscales = 1, combined.weights = TRUE, mse = FALSE)
  for (name in c("ni21", "ni41")) {
    if (name == "ni21") {
      q <- x$police_council_dealing
      valid <- !is.na(q) & q != "dont_know"
      y <- valid & q %in% c("strongly_agree", "tend_to_agree")
    } else {
      q <- x$asb_drunk_rowdy
      valid <- !is.na(q) & q != "no_opinion"
      y <- valid & q %in% c("very_big_problem", "fairly_big_problem")
    }
    des$variables$yy <- as.numeric(y)
    des$variables$vv <- valid
    sub <- subset(des, vv)
    est <- svymean(~yy, sub)
    rows[[length(rows) + 1]] <- data.frame(method = method, indicator = name, group = "",
                                           estimate = coef(est)[[1]], se = SE(est)[[1]])
    b <- svyby(~yy, ~neighbourhood, sub, svymean)
    rows[[length(rows) + 1]] <- data.frame(method = method, indicator = name,
                                           group = as.character(b$neighbourhood),
                                           estimate = b$yy, se = SE(b))
  }
}
write.csv(format(do.call(rbind, rows), digits = 17), paste0(prefix, "_replicates.csv"),
          row.names = FALSE)
