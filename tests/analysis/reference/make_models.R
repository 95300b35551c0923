# Two-way tables (svychisq) and key-driver logistic regressions (svyglm) from R survey, on the
# design fixture (run once, output committed).
#   Rscript tests/analysis/reference/make_models.R tests/analysis/reference/design
# Designs as make_intervals.R: simple (ids = ~1, raked), clustered (ids = ~cluster,
# strata = ~stratum, fpc = ~fpc_clusters, nest = TRUE, raked) and stratified (strata = ~stratum,
# fpc = ~fpc_fraction, raked), with <prefix>_control.csv. Writes
#   <prefix>_tables.csv  the weighted cell proportions (svymean of the interaction on the rows
#                        that answered both) with SEs;
#   <prefix>_chisq.csv   svychisq(statistic = "F") and ("Chisq"), with Pearson's X2 as svychisq
#                        computes it (svytable scaled to N = rows of the design);
#   <prefix>_glm.csv     svyglm(ni21 ~ ..., family = quasibinomial()) with IRLS run to
#                        epsilon = 1e-12 (R's 1e-8 stops early) and refitted from its own
#                        coefficients (see below), confint() (t on df.residual), odds ratios.
# Rows with a missing answer are dropped as R does: svychisq zeroes them (na.rm), svyglm's
# na.action subsets the raked design (its weights become 0; degf counts the PSUs left).
suppressMessages(library(survey))
prefix <- commandArgs(trailingOnly = TRUE)[1]
d <- read.csv(gzfile(paste0(prefix, "_responses.csv.gz")), colClasses = "character",
              na.strings = c("", "NA"))
m <- read.csv(paste0(prefix, "_margins.csv"), colClasses = c("character", "character", "numeric"))
vars <- unique(m$variable)
for (v in vars) d[[v]] <- factor(d[[v]], levels = m$category[m$variable == v])
d$base_weight <- as.numeric(d$base_weight)
d$fpc_clusters <- as.numeric(d$fpc_clusters)
d$fpc_fraction <- as.numeric(d$fpc_fraction)
# NI 21: agree (strongly or tend to) among those who answered, don't know out of the base
pcd <- d$police_council_dealing
d$ni21 <- ifelse(is.na(pcd) | pcd == "dont_know", NA,
                 as.numeric(pcd %in% c("strongly_agree", "tend_to_agree")))
# predictors as factors, reference level = the first code of the catalogue's scale
d$safe_after_dark <- factor(d$safe_after_dark, levels = c(
  "very_safe", "fairly_safe", "neither_safe_nor_unsafe", "fairly_unsafe", "very_unsafe",
  "dont_know"))
d$victim_burglary <- factor(d$victim_burglary, levels = c("yes", "no"))
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
                        weights = ~base_weight, data = d, nest = TRUE),
  stratified = svydesign(ids = ~1, strata = ~stratum, fpc = ~fpc_fraction,
                         weights = ~base_weight, data = d))
tables <- list(c("safe_after_dark", "police_council_dealing"), c("car_use", "sex"))
predictors <- c("safe_after_dark", "age_band", "victim_burglary")
cells <- list()
tests <- list()
coefs <- list()
for (dname in names(designs)) {
  des <- rake(designs[[dname]], margins, pops,
              control = list(epsilon = ctl$epsilon, maxit = ctl$maxit))
  for (tab in tables) {
    a <- tab[1]
    b <- tab[2]
    f <- as.formula(paste0("~", a, "+", b))
    fF <- svychisq(f, des, statistic = "F")
    fC <- svychisq(f, des, statistic = "Chisq")
    N <- nrow(des$variables)
    pearson <- suppressWarnings(chisq.test(svytable(f, des, Ntotal = N), correct = FALSE))
    nu <- length(unique(des$cluster[, 1])) - length(unique(des$strata[, 1]))
    tests[[length(tests) + 1]] <- data.frame(
      design = dname, row_variable = a, col_variable = b, n_total = N, pearson = pearson$statistic,
      f = fF$statistic, ndf = fF$parameter[["ndf"]], ddf = fF$parameter[["ddf"]],
      f_p = fF$p.value, chisq = fC$statistic, chisq_df = fC$parameter[[1]],
      chisq_p = fC$p.value, design_df = nu)
    des$variables$both <- !is.na(des$variables[[a]]) & !is.na(des$variables[[b]])
    sub <- subset(des, both)
    sub$variables$cell <- paste(as.character(sub$variables[[a]]),
                                as.character(sub$variables[[b]]), sep = "|")
    sub$variables$cell[!sub$variables$both] <- NA
    est <- svymean(~cell, sub, na.rm = TRUE)
    lab <- sub("^cell", "", names(coef(est)))
    parts <- do.call(rbind, strsplit(lab, "|", fixed = TRUE))
    cells[[length(cells) + 1]] <- data.frame(
      design = dname, row_variable = a, col_variable = b, row = parts[, 1], col = parts[, 2],
      proportion = as.vector(coef(est)), se = as.vector(SE(est)))
  }
  model <- as.formula(paste("ni21 ~", paste(predictors, collapse = " + ")))
  tight <- glm.control(epsilon = 1e-12, maxit = 100)
  fit0 <- svyglm(model, design = des, family = quasibinomial(), control = tight)
  # glm's information matrix (and so svyglm's SEs) is the one of the step before the last, here
  # ~1e-8 off the converged one; one more fit started at the converged coefficients puts it there
  fit <- svyglm(model, design = des, family = quasibinomial(), control = tight,
                start = coef(fit0))
  s <- coef(summary(fit))
  ci <- confint(fit)
  coefs[[length(coefs) + 1]] <- data.frame(
    design = dname, term = rownames(s), estimate = s[, 1], se = s[, 2], t = s[, 3], p = s[, 4],
    df = fit$df.residual, ci_lower = ci[, 1], ci_upper = ci[, 2],
    odds_ratio = exp(s[, 1]), or_lower = exp(ci[, 1]), or_upper = exp(ci[, 2]),
    n = sum(weights(fit$survey.design) > 0), iterations = fit0$iter)
}
out <- function(rows, name) write.csv(format(do.call(rbind, rows), digits = 17),
                                      paste0(prefix, "_", name, ".csv"), row.names = FALSE)
out(cells, "tables")
out(tests, "chisq")
out(coefs, "glm")
cat("done", prefix, "\n")
