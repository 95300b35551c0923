# Interval methods for a proportion, from R survey, on the design fixture (run once, output committed).
#   Rscript tests/analysis/reference/make_intervals.R tests/analysis/reference/design
# Writes <prefix>_intervals.csv: for the simple design (ids = ~1) and the clustered one
# (ids = ~cluster, strata = ~stratum, fpc = ~fpc_clusters), raked as make_reference.R with
# <prefix>_control.csv, NI 21, NI 4 and NI 41 for the whole sample and by neighbourhood:
# svyciprop(method = "beta") (Korn-Graubard) and the Wilson score interval on the effective base
# p(1-p)/var with the t quantile on degf (survey has no Wilson method: computed here from svymean).
suppressMessages(library(survey))
prefix <- commandArgs(trailingOnly = TRUE)[1]
d <- read.csv(gzfile(paste0(prefix, "_responses.csv.gz")), colClasses = "character",
              na.strings = c("", "NA"))
m <- read.csv(paste0(prefix, "_margins.csv"), colClasses = c("character", "character", "numeric"))
vars <- unique(m$variable)
for (v in vars) d[[v]] <- factor(d[[v]], levels = m$category[m$variable == v])
d$base_weight <- as.numeric(d$base_weight)
d$fpc_clusters <- as.numeric(d$fpc_clusters)
pops <- lapply(vars, function(v) {
  mm <- m[m$variable == v, ]
  out <- data.frame(factor(mm$category, levels = mm$category), mm$population)
  names(out) <- c(v, "Freq")
  out
})
ctl <- read.csv(paste0(prefix, "_control.csv"))
margins <- lapply(vars, function(v) as.formula(paste0("~", v)))
designs <- list(
  simple = svydesign(ids = ~1, weights = ~base_weight, data = d),
  clustered = svydesign(ids = ~cluster, strata = ~stratum, fpc = ~fpc_clusters,
                        weights = ~base_weight, data = d, nest = TRUE))
single <- function(q, pos, excl) {
  valid <- !is.na(d[[q]]) & !(d[[q]] %in% excl)
  list(y = valid & d[[q]] %in% pos, valid = valid)
}
big <- c("very_big_problem", "fairly_big_problem")
ind <- list(
  ni21 = single("police_council_dealing", c("strongly_agree", "tend_to_agree"), "dont_know"),
  ni4 = single("influence_decisions", c("definitely_agree", "tend_to_agree"), "dont_know"),
  ni41 = single("asb_drunk_rowdy", big, "no_opinion"))
wilson <- function(p, v, df) {
  n <- p * (1 - p) / v
  t <- qt(0.975, df)
  centre <- (p + t^2 / (2 * n)) / (1 + t^2 / n)
  half <- t / (1 + t^2 / n) * sqrt(p * (1 - p) / n + t^2 / (4 * n^2))
  c(centre - half, centre + half)
}
one <- function(g, name, dname, group) {
  est <- svymean(~yy, g)
  kg <- attr(svyciprop(~yy, g, method = "beta"), "ci")
  wi <- wilson(coef(est)[[1]], vcov(est)[1, 1], degf(g))
  data.frame(design = dname, indicator = name, group = group, estimate = coef(est)[[1]],
             se = SE(est)[[1]], df = degf(g), kg_lower = kg[[1]], kg_upper = kg[[2]],
             wilson_lower = wi[1], wilson_upper = wi[2])
}
rows <- list()
for (dname in names(designs)) {
  des <- rake(designs[[dname]], margins, pops,
              control = list(epsilon = ctl$epsilon, maxit = ctl$maxit))
  for (name in names(ind)) {
    des$variables$yy <- as.numeric(ind[[name]]$y)
    des$variables$vv <- ind[[name]]$valid
    sub <- subset(des, vv)
    rows[[length(rows) + 1]] <- one(sub, name, dname, "")
    for (lev in levels(factor(d$neighbourhood))) {
      g <- sub[d$neighbourhood == lev, ]
      rows[[length(rows) + 1]] <- one(g, name, dname, lev)
    }
  }
}
write.csv(format(do.call(rbind, rows), digits = 17), paste0(prefix, "_intervals.csv"),
          row.names = FALSE)
cat("done", prefix, "\n")
