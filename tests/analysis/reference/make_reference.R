# Reference values from R survey for the analysis engine's tests (run once, output committed).
#   Rscript tests/analysis/reference/make_reference.R tests/analysis/reference/biased
# Reads <prefix>_responses.csv.gz and <prefix>_margins.csv; writes <prefix>_reference.csv
# (indicator, by, group, estimate, se, ci_lower, ci_upper, n, df), <prefix>_gap.csv and
# <prefix>_weights.csv. Indicators are defined here independently from shared/methodology.md.
# Raking: rake() to every margin in the file, in file order, with the control in
# <prefix>_control.csv (epsilon,maxit; "1,10" = R's defaults, rake() called without control);
# a base_weight column, if present, gives the starting weights.
# With <prefix>_design.csv (design,strata,cluster,fpc,lonely_psu; blank = none) every design listed
# is built as svydesign(ids = ~cluster, strata = ~strata, fpc = ~fpc, weights = ~base_weight,
# nest = TRUE) under options(survey.lonely.psu = lonely_psu), then raked as above; the reference
# and gap files then have a first column "design" and df is degf() of each (domain) subset.
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
prefix <- args[1]
d <- read.csv(gzfile(paste0(prefix, "_responses.csv.gz")), colClasses = "character",
              na.strings = c("", "NA"))
m <- read.csv(paste0(prefix, "_margins.csv"), colClasses = c("character", "character", "numeric"))
vars <- unique(m$variable)
for (v in vars) d[[v]] <- factor(d[[v]], levels = m$category[m$variable == v])
if ("base_weight" %in% names(d)) d$base_weight <- as.numeric(d$base_weight)
design_file <- paste0(prefix, "_design.csv")
designs <- if (file.exists(design_file)) read.csv(design_file, colClasses = "character") else
  data.frame(design = "", strata = "", cluster = "", fpc = "", lonely_psu = "fail")
by_design <- nrow(designs) > 1 || designs$design[1] != ""
one_formula <- function(v) if (v == "") NULL else as.formula(paste0("~", v))
make_design <- function(spec) {
  options(survey.lonely.psu = spec$lonely_psu)
  if (spec$fpc != "") d[[spec$fpc]] <- as.numeric(d[[spec$fpc]])
  ids <- if (spec$cluster == "") ~1 else one_formula(spec$cluster)
  if (!by_design && !("base_weight" %in% names(d))) return(svydesign(ids = ~1, data = d))
  if (!by_design) return(svydesign(ids = ~1, weights = ~base_weight, data = d))
  svydesign(ids = ids, strata = one_formula(spec$strata), fpc = one_formula(spec$fpc),
            weights = ~base_weight, data = d, nest = TRUE)
}
pops <- lapply(vars, function(v) {
  mm <- m[m$variable == v, ]
  out <- data.frame(factor(mm$category, levels = mm$category), mm$population)
  names(out) <- c(v, "Freq")
  out
})
ctl <- read.csv(paste0(prefix, "_control.csv"))
margins <- lapply(vars, function(v) as.formula(paste0("~", v)))
raked <- function(des0) {
  if (ctl$epsilon == 1 && ctl$maxit == 10) return(rake(des0, margins, pops))  # R's defaults
  rake(des0, margins, pops, control = list(epsilon = ctl$epsilon, maxit = ctl$maxit))
}
des <- raked(make_design(designs[1, ]))
w <- weights(des)
write.csv(data.frame(weight = sprintf("%.17g", w)), paste0(prefix, "_weights.csv"), row.names = FALSE)

ans <- function(q) !is.na(d[[q]])
is_in <- function(q, codes) !is.na(d[[q]]) & d[[q]] %in% codes
car_asked <- is_in("car_use", "yes")
single <- function(q, pos, excl = character(0), routed = FALSE) {
  valid <- ans(q) & !(d[[q]] %in% excl)
  if (routed) valid <- valid & car_asked
  list(y = valid & d[[q]] %in% pos, valid = valid)
}
big <- c("very_big_problem", "fairly_big_problem")
ind <- list(
  ni21 = single("police_council_dealing", c("strongly_agree", "tend_to_agree"), "dont_know"),
  ni4 = single("influence_decisions", c("definitely_agree", "tend_to_agree"), "dont_know"),
  ni23 = single("respect", big, "no_opinion"),
  ni41 = single("asb_drunk_rowdy", big, "no_opinion"),
  ni42 = single("asb_drugs", big, "no_opinion"),
  safe_after_dark = single("safe_after_dark", c("very_safe", "fairly_safe"), "dont_know")
)
strands <- c("asb_noisy_neighbours", "asb_teenagers", "asb_litter", "asb_vandalism", "asb_drugs",
             "asb_drunk_rowdy", "asb_abandoned_cars")
score_of <- c(very_big_problem = 3, fairly_big_problem = 2, not_a_very_big_problem = 1,
              not_a_problem_at_all = 0, no_opinion = 0)
sc <- sapply(strands, function(q) unname(score_of[d[[q]]]))
ind$ni17 <- list(valid = rowSums(is.na(sc)) == 0, y = rowSums(is.na(sc)) == 0 & rowSums(sc) >= 11)
crimes <- c("burglary", "car_crime", "violent_crime")
for (cr in crimes) {
  routed <- cr == "car_crime"
  ind[[paste0("worry_", cr)]] <- single(paste0("worry_", cr), c("very_worried", "fairly_worried"),
                                         routed = routed)
  ind[[paste0("victim_", cr)]] <- single(paste0("victim_", cr), "yes", routed = routed)
}
for (kind in c("worry", "victim")) {
  comp <- ind[paste0(kind, "_", crimes)]
  valid <- comp[[1]]$valid & comp[[3]]$valid & (comp[[2]]$valid | !car_asked)
  y <- valid & (comp[[1]]$y | comp[[2]]$y | comp[[3]]$y)
  ind[[paste0(kind, "_any")]] <- list(y = y, valid = valid)
}

rows <- list()
gap <- list()
for (di in seq_len(nrow(designs))) {
spec <- designs[di, ]
des <- raked(make_design(spec))
for (name in names(ind)) {
  des$variables$yy <- as.numeric(ind[[name]]$y & ind[[name]]$valid)
  des$variables$vv <- ind[[name]]$valid
  sub <- subset(des, vv)
  est <- svymean(~yy, sub)
  ci <- svyciprop(~yy, sub, method = "logit")
  rows[[length(rows) + 1]] <- data.frame(
    indicator = name, by = "", group = "", estimate = as.vector(coef(est)), se = as.vector(SE(est)),
    ci_lower = attr(ci, "ci")[1], ci_upper = attr(ci, "ci")[2], n = sum(ind[[name]]$valid),
    df = degf(sub), ci_method = "logit", design = spec$design)
  for (byv in c("neighbourhood", "age_band")) {
    f <- as.formula(paste0("~", byv))
    b <- svyby(~yy, f, sub, svymean)
    bc <- svyby(~yy, f, sub, svyciprop, method = "logit", vartype = "ci")
    nb <- table(d[[byv]][ind[[name]]$valid])
    group_df <- as.vector(nb[as.character(b[[byv]])]) - 1
    if (by_design) group_df <- sapply(as.character(b[[byv]]), function(lev)
      degf(sub[!is.na(d[[byv]]) & as.character(d[[byv]]) == lev, ]))
    lo <- as.vector(bc$ci_l)
    hi <- as.vector(bc$ci_u)
    est <- as.vector(b$yy)
    # svyglm inside svyciprop(method = "logit") sometimes diverges on a subset of a subset of
    # the raked design (coefficient -2e15, interval [0, 0]); there use method = "xlogit", the
    # same logit interval computed from svymean by svycontrast, and record it.
    # (at an estimate of 0 or 1 the logit interval collapses on it, and that is kept)
    bad <- est > 0 & est < 1 & (!(lo <= est & est <= hi) | (hi - lo) <= 0)
    method <- ifelse(bad, "xlogit", "logit")
    for (i in which(bad)) {
      lev <- as.character(b[[byv]])[i]
      g <- sub[!is.na(d[[byv]]) & as.character(d[[byv]]) == lev, ]
      ci <- attr(svyciprop(~yy, g, method = "xlogit"), "ci")
      lo[i] <- ci[1]
      hi[i] <- ci[2]
    }
    rows[[length(rows) + 1]] <- data.frame(
      indicator = name, by = byv, group = as.character(b[[byv]]), estimate = est,
      se = as.vector(SE(b)), ci_lower = lo, ci_upper = hi,
      n = as.vector(nb[as.character(b[[byv]])]), df = group_df, ci_method = method,
      design = spec$design)
  }
}
for (cr in c(crimes, "any")) {
  wo <- ind[[paste0("worry_", cr)]]
  vi <- ind[[paste0("victim_", cr)]]
  des$variables$w1 <- as.numeric(wo$y & wo$valid)
  des$variables$w0 <- as.numeric(wo$valid)
  des$variables$v1 <- as.numeric(vi$y & vi$valid)
  des$variables$v0 <- as.numeric(vi$valid)
  tot <- svytotal(~w1 + w0 + v1 + v0, des)
  lr <- svycontrast(tot, quote(log(w1 / w0) - log(v1 / v0)))
  df_ <- svycontrast(tot, quote(w1 / w0 - v1 / v0))
  z <- qnorm(0.975)
  gap[[length(gap) + 1]] <- data.frame(design = spec$design, crime = cr,
                          worried = coef(tot)[["w1"]] / coef(tot)[["w0"]], victim = coef(tot)[["v1"]] / coef(tot)[["v0"]],
                          difference = coef(df_), difference_se = SE(df_),
                          ratio = exp(coef(lr)), log_ratio_se = SE(lr),
                          ratio_ci_lower = exp(coef(lr) - z * SE(lr)),
                          ratio_ci_upper = exp(coef(lr) + z * SE(lr)))
}
}
out <- do.call(rbind, rows)
gaps <- do.call(rbind, gap)
if (!by_design) {
  out$design <- NULL
  gaps$design <- NULL
} else {
  out <- out[, c("design", setdiff(names(out), "design"))]
}
write.csv(format(out, digits = 17), paste0(prefix, "_reference.csv"), row.names = FALSE)
write.csv(format(gaps, digits = 17), paste0(prefix, "_gap.csv"), row.names = FALSE)
cat("done", prefix, "\n")
