# Reference values from R survey for pooled (stacked) estimates (run once, output committed).
#   Rscript tests/analysis/reference/make_pooled.R tests/analysis/reference
# Builds two waves from the design fixture (odd rows: wave 2009-10 with design_margins.csv; even
# rows: wave 2010-11, whose own margins, written to pooled_margins_2010-11.csv, move people
# between age bands, sexes and neighbourhoods and add 2%), and the period's margins (the mean of
# the two, pooled_margins.csv). Then the stacked design, the waves as strata:
#   svydesign(ids = ~1, strata = ~wave, weights = ~base_weight, data = stacked)
# (the fixture's base weights start the raking, as the engine does with a base_weight column)
# raked with rake() to the margins crossed with the wave (~wave + age_band, ~wave + sex,
# ~wave + neighbourhood), each wave's populations scaled to half the period's total: each wave
# raked to its own margins ("own") or to the period's ("period"), then counting by its share.
# Writes pooled_reference.csv (margins, indicator, by, group, estimate, se, ci_lower, ci_upper,
# n, df) and pooled_weights.csv (own, period).
suppressMessages(library(survey))
dir <- commandArgs(trailingOnly = TRUE)[1]
d <- read.csv(gzfile(file.path(dir, "design_responses.csv.gz")), colClasses = "character",
              na.strings = c("", "NA"))
m1 <- read.csv(file.path(dir, "design_margins.csv"),
               colClasses = c("character", "character", "numeric"))
d$wave <- ifelse(seq_len(nrow(d)) %% 2 == 1, "2009-10", "2010-11")
d <- d[order(d$wave == "2010-11"), ]  # wave 2009-10 first, as the engine stacks them
waves <- c("2009-10", "2010-11")
d$wave <- factor(d$wave, levels = waves)

move <- function(m, v, from, to, k) {
  m$population[m$variable == v & m$category == from] <-
    m$population[m$variable == v & m$category == from] - k
  m$population[m$variable == v & m$category == to] <-
    m$population[m$variable == v & m$category == to] + k
  m
}
m2 <- m1
m2 <- move(m2, "age_band", "75_plus", "16_24", 600)
m2 <- move(m2, "sex", "female", "male", 300)
m2 <- move(m2, "neighbourhood", "keynsham", "bathavon", 400)
m2$population <- m2$population * 1.02
mp <- m1
mp$population <- (m1$population + m2$population) / 2
write.csv(m2, file.path(dir, "pooled_margins_2010-11.csv"), row.names = FALSE, quote = FALSE)
write.csv(mp, file.path(dir, "pooled_margins.csv"), row.names = FALSE, quote = FALSE)

vars <- c("age_band", "sex", "neighbourhood")
for (v in vars) d[[v]] <- factor(d[[v]], levels = m1$category[m1$variable == v])
total <- sum(mp$population[mp$variable == "sex"])
crossed <- function(own) lapply(vars, function(v) {
  parts <- lapply(waves, function(w) {
    mm <- own[[w]][own[[w]]$variable == v, ]
    scale <- 0.5 * total / sum(mm$population)
    out <- data.frame(factor(w, levels = waves), factor(mm$category, levels = mm$category),
                      mm$population * scale)
    names(out) <- c("wave", v, "Freq")
    out
  })
  do.call(rbind, parts)
})
margins <- lapply(vars, function(v) as.formula(paste0("~wave + ", v)))
d$base_weight <- as.numeric(d$base_weight)
des0 <- svydesign(ids = ~1, strata = ~wave, weights = ~base_weight, data = d)
schemes <- list(own = list("2009-10" = m1, "2010-11" = m2),
                period = list("2009-10" = mp, "2010-11" = mp))
ctl <- list(epsilon = 1e-9, maxit = 100)

ind <- list(
  ni21 = list(q = "police_council_dealing", pos = c("strongly_agree", "tend_to_agree"),
              excl = "dont_know"),
  ni4 = list(q = "influence_decisions", pos = c("definitely_agree", "tend_to_agree"),
             excl = "dont_know"))
rows <- list()
wts <- list()
for (scheme in names(schemes)) {
  des <- rake(des0, margins, crossed(schemes[[scheme]]), control = ctl)
  wts[[scheme]] <- sprintf("%.17g", weights(des))
  for (name in names(ind)) {
    q <- ind[[name]]$q
    valid <- !is.na(d[[q]]) & !(d[[q]] %in% ind[[name]]$excl)
    des$variables$yy <- as.numeric(valid & d[[q]] %in% ind[[name]]$pos)
    des$variables$vv <- valid
    sub <- subset(des, vv)
    est <- svymean(~yy, sub)
    ci <- attr(svyciprop(~yy, sub, method = "logit"), "ci")
    rows[[length(rows) + 1]] <- data.frame(
      margins = scheme, indicator = name, by = "", group = "", estimate = coef(est)[[1]],
      se = SE(est)[[1]], ci_lower = ci[[1]], ci_upper = ci[[2]], n = sum(valid),
      df = degf(sub))
    for (lev in levels(d$neighbourhood)) {
      g <- subset(sub, neighbourhood == lev)
      e <- svymean(~yy, g)
      c <- attr(svyciprop(~yy, g, method = "logit"), "ci")
      rows[[length(rows) + 1]] <- data.frame(
        margins = scheme, indicator = name, by = "neighbourhood", group = lev,
        estimate = coef(e)[[1]], se = SE(e)[[1]], ci_lower = c[[1]], ci_upper = c[[2]],
        n = sum(valid & d$neighbourhood == lev), df = degf(g))
    }
  }
}
out <- do.call(rbind, rows)
write.csv(format(out, digits = 17), file.path(dir, "pooled_reference.csv"), row.names = FALSE)
write.csv(as.data.frame(wts), file.path(dir, "pooled_weights.csv"), row.names = FALSE)
