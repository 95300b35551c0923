# Calibration and trimming references from R survey on the design fixture (run once, output committed).
#   Rscript tests/analysis/reference/make_calibration.R tests/analysis/reference/design
# Design: svydesign(ids = ~cluster, strata = ~stratum, fpc = ~fpc_clusters, nest = TRUE) with the
# base weights scaled to the population total (base_weight * N / sum(base_weight), so that bounds on
# g = w / base read as bounds around 1). Calibrated by calibrate() to the margins as dummy totals
# (~ age_band + sex + neighbourhood, file order): linear (closed form), linear with bounds, logit
# with bounds; then trimWeights() of the linear design, strict = FALSE and TRUE; and, for
# comparison, rake() (epsilon 1e-9, maxit 100) and trimWeights(strict = TRUE) of the raked design.
# Writes <prefix>_calibration_weights.csv (one column per method) and
# <prefix>_calibration.csv: method, indicator, group, estimate, se, df, ci_lower, ci_upper
# (NI 21, NI 4, NI 41 for the whole sample and by neighbourhood, every other catalogue indicator
# for the whole sample; intervals svyciprop(method = "xlogit")), and
# <prefix>_calibration_gap.csv: the perception gap per method (svycontrast, as make_reference.R).
suppressMessages(library(survey))
prefix <- commandArgs(trailingOnly = TRUE)[1]
d <- read.csv(gzfile(paste0(prefix, "_responses.csv.gz")), colClasses = "character",
              na.strings = c("", "NA"))
m <- read.csv(paste0(prefix, "_margins.csv"), colClasses = c("character", "character", "numeric"))
vars <- unique(m$variable)
for (v in vars) d[[v]] <- factor(d[[v]], levels = m$category[m$variable == v])
N <- sum(m$population[m$variable == vars[1]])
d$base_weight <- as.numeric(d$base_weight)
d$scaled_weight <- d$base_weight * N / sum(d$base_weight)
d$fpc_clusters <- as.numeric(d$fpc_clusters)
des0 <- svydesign(ids = ~cluster, strata = ~stratum, fpc = ~fpc_clusters,
                  weights = ~scaled_weight, data = d, nest = TRUE)
formula <- as.formula(paste("~", paste(vars, collapse = " + ")))
pop <- N
for (v in vars) pop <- c(pop, m$population[m$variable == v][-1])
linear <- calibrate(des0, formula, pop, calfun = "linear")
margins <- lapply(vars, function(v) as.formula(paste0("~", v)))
pops <- lapply(vars, function(v) {
  mm <- m[m$variable == v, ]
  out <- data.frame(factor(mm$category, levels = mm$category), mm$population)
  names(out) <- c(v, "Freq")
  out
})
raked <- rake(des0, margins, pops, control = list(epsilon = 1e-9, maxit = 100))
designs <- list(
  raking = raked,
  raking_trim = trimWeights(raked, lower = 8, upper = 45, strict = TRUE),
  linear = linear,
  linear_bounded = calibrate(des0, formula, pop, calfun = "linear", bounds = c(0.35, 2.2)),
  logit = calibrate(des0, formula, pop, calfun = "logit", bounds = c(0.3, 2.4)),
  trim = trimWeights(linear, lower = 8, upper = 45, strict = FALSE),
  trim_strict = trimWeights(linear, lower = 8, upper = 45, strict = TRUE))
single <- function(q, pos, excl) {
  valid <- !is.na(d[[q]]) & !(d[[q]] %in% excl)
  list(y = valid & d[[q]] %in% pos, valid = valid)
}
big <- c("very_big_problem", "fairly_big_problem")
ind <- list(
  ni21 = single("police_council_dealing", c("strongly_agree", "tend_to_agree"), "dont_know"),
  ni4 = single("influence_decisions", c("definitely_agree", "tend_to_agree"), "dont_know"),
  ni41 = single("asb_drunk_rowdy", big, "no_opinion"))
# the rest of the catalogue (whole sample only), defined as in make_reference.R
ans <- function(q) !is.na(d[[q]])
is_in <- function(q, codes) !is.na(d[[q]]) & d[[q]] %in% codes
car_asked <- is_in("car_use", "yes")
routed <- function(q, pos) {
  valid <- ans(q) & car_asked
  list(y = valid & d[[q]] %in% pos, valid = valid)
}
more <- list(
  ni23 = single("respect", big, "no_opinion"),
  ni42 = single("asb_drugs", big, "no_opinion"),
  safe_after_dark = single("safe_after_dark", c("very_safe", "fairly_safe"), "dont_know"))
strands <- c("asb_noisy_neighbours", "asb_teenagers", "asb_litter", "asb_vandalism", "asb_drugs",
             "asb_drunk_rowdy", "asb_abandoned_cars")
score_of <- c(very_big_problem = 3, fairly_big_problem = 2, not_a_very_big_problem = 1,
              not_a_problem_at_all = 0, no_opinion = 0)
sc <- sapply(strands, function(q) unname(score_of[as.character(d[[q]])]))
more$ni17 <- list(valid = rowSums(is.na(sc)) == 0, y = rowSums(is.na(sc)) == 0 & rowSums(sc) >= 11)
crimes <- c("burglary", "car_crime", "violent_crime")
for (cr in crimes) {
  worry <- paste0("worry_", cr)
  victim <- paste0("victim_", cr)
  if (cr == "car_crime") {
    more[[worry]] <- routed(worry, c("very_worried", "fairly_worried"))
    more[[victim]] <- routed(victim, "yes")
  } else {
    more[[worry]] <- single(worry, c("very_worried", "fairly_worried"), character(0))
    more[[victim]] <- single(victim, "yes", character(0))
  }
}
for (kind in c("worry", "victim")) {
  comp <- more[paste0(kind, "_", crimes)]
  valid <- comp[[1]]$valid & comp[[3]]$valid & (comp[[2]]$valid | !car_asked)
  more[[paste0(kind, "_any")]] <- list(y = valid & (comp[[1]]$y | comp[[2]]$y | comp[[3]]$y),
                                       valid = valid)
}
one <- function(g, name, method, group) {
  est <- svymean(~yy, g)
  ci <- attr(svyciprop(~yy, g, method = "xlogit"), "ci")
  data.frame(method = method, indicator = name, group = group, estimate = coef(est)[[1]],
             se = SE(est)[[1]], df = degf(g), ci_lower = ci[[1]], ci_upper = ci[[2]])
}
rows <- list()
gaps <- list()
for (method in names(designs)) {
  des <- designs[[method]]
  for (name in names(ind)) {
    des$variables$yy <- as.numeric(ind[[name]]$y)
    des$variables$vv <- ind[[name]]$valid
    sub <- subset(des, vv)
    rows[[length(rows) + 1]] <- one(sub, name, method, "")
    for (lev in levels(d$neighbourhood)) {
      rows[[length(rows) + 1]] <- one(sub[d$neighbourhood == lev, ], name, method, lev)
    }
  }
  for (name in names(more)) {
    des$variables$yy <- as.numeric(more[[name]]$y)
    des$variables$vv <- more[[name]]$valid
    rows[[length(rows) + 1]] <- one(subset(des, vv), name, method, "")
  }
  for (cr in c(crimes, "any")) {  # the perception gap, as make_reference.R
    wo <- more[[paste0("worry_", cr)]]
    vi <- more[[paste0("victim_", cr)]]
    des$variables$w1 <- as.numeric(wo$y & wo$valid)
    des$variables$w0 <- as.numeric(wo$valid)
    des$variables$v1 <- as.numeric(vi$y & vi$valid)
    des$variables$v0 <- as.numeric(vi$valid)
    tot <- svytotal(~w1 + w0 + v1 + v0, des)
    lr <- svycontrast(tot, quote(log(w1 / w0) - log(v1 / v0)))
    df_ <- svycontrast(tot, quote(w1 / w0 - v1 / v0))
    gaps[[length(gaps) + 1]] <- data.frame(method = method, crime = cr,
      difference = coef(df_), difference_se = SE(df_), ratio = exp(coef(lr)),
      log_ratio_se = SE(lr))
  }
}
w <- as.data.frame(lapply(designs, function(x) sprintf("%.17g", weights(x))))
write.csv(w, paste0(prefix, "_calibration_weights.csv"), row.names = FALSE)
write.csv(format(do.call(rbind, rows), digits = 17), paste0(prefix, "_calibration.csv"),
          row.names = FALSE)
write.csv(format(do.call(rbind, gaps), digits = 17), paste0(prefix, "_calibration_gap.csv"),
          row.names = FALSE)
cat("done", prefix, "\n")
