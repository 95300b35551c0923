# R survey's file to figures: read.csv, rake() (age, sex, neighbourhood), svyby(svymean) for NI 21.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(survey))
d <- read.csv(args[1], colClasses = "character", na.strings = "")
m <- read.csv(args[2], colClasses = c("character", "character", "numeric"))
for (v in unique(m$variable)) d <- d[!is.na(d[[v]]) & d[[v]] %in% m$category[m$variable == v], ]
q <- d$police_council_dealing
d$ni21 <- ifelse(is.na(q) | q == "dont_know", NA, as.numeric(q %in% c("strongly_agree", "tend_to_agree")))
des <- svydesign(ids = ~1, data = d, weights = rep(1, nrow(d)))
pops <- lapply(unique(m$variable), function(v) {
  s <- m[m$variable == v, ]
  t <- data.frame(s$category, s$population)
  names(t) <- c(v, "Freq")
  t
})
raked <- rake(des, lapply(unique(m$variable), function(v) as.formula(paste0("~", v))), pops)
print(svyby(~ni21, ~neighbourhood, raked, svymean, na.rm = TRUE))
