/* time.c — the C half of std.time (stdlib/time.actor): the wall clock, ISO 8601
 * text, calendar fields and durations.
 *
 * Times are Ints: milliseconds since 1970-01-01T00:00:00Z (Unix time, leap seconds
 * not counted), any Int.  The calendar is the proleptic Gregorian one, computed with
 * Howard Hinnant's days_from_civil / civil_from_days (exact for every Int day count
 * used here), in UTC; nothing depends on the process's time zone except local_offset.
 *
 * Parsing functions return STD_TIME_BAD (the smallest Int) for text they do not
 * accept; time.actor turns that into the failure `cannot parse "TEXT"`. */
#include "values/rt_values.h"
#include "actor_std.h"

#include <time.h>

#define STD_TIME_BAD INT64_MIN
#define MS_PER_DAY 86400000

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* The remainder that goes with floor_div (in 0..b-1 for b > 0), without computing
 * floor_div(a, b) * b, which overflows for a near the smallest Int. */
static int64_t floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r != 0 && (r < 0) != (b < 0) ? r + b : r;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

static unsigned month_days(int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* ---- the clock --------------------------------------------------------------------- */

int64_t actor_std_time_unix_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Minutes east of UTC of the process's time zone (TZ) at time ms. */
int64_t actor_std_time_local_offset(int64_t ms) {
  time_t t = (time_t)floor_div(ms, 1000);
  struct tm tm;
  if (!localtime_r(&t, &tm)) return 0;
  return tm.tm_gmtoff / 60;
}

/* ---- ISO 8601 ---------------------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM:SS.mmm" then "Z" (offset_min == 0 and utc) or "+HH:MM": the time
 * ms seen from a zone offset_min minutes east of UTC.  Years outside 0..9999 are
 * written with a sign and at least six digits (ISO 8601's expanded form, as
 * JavaScript's toISOString). */
rt_str *actor_std_time_iso(int64_t ms, int64_t offset_min, bool utc) {
  /* ms + offset cannot overflow for |offset| < a day unless ms is within a day of the
   * Int limits; clamp there rather than fail. */
  int64_t off = offset_min * 60000;
  int64_t local = (off > 0 && ms > INT64_MAX - off) || (off < 0 && ms < INT64_MIN - off) ? ms : ms + off;
  int64_t days = floor_div(local, MS_PER_DAY), in_day = floor_mod(local, MS_PER_DAY);
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, &y, &mo, &d);
  char buf[80];
  int n;
  if (y >= 0 && y <= 9999)
    n = snprintf(buf, sizeof buf, "%04lld", (long long)y);
  else
    n = snprintf(buf, sizeof buf, "%c%06llu", y < 0 ? '-' : '+', (unsigned long long)(y < 0 ? -(uint64_t)y : (uint64_t)y));
  n += snprintf(buf + n, sizeof buf - (size_t)n, "-%02u-%02uT%02u:%02u:%02u.%03u", mo, d, (unsigned)(in_day / 3600000),
                (unsigned)(in_day / 60000 % 60), (unsigned)(in_day / 1000 % 60), (unsigned)(in_day % 1000));
  if (utc) {
    buf[n++] = 'Z';
  } else {
    int64_t a = offset_min < 0 ? -offset_min : offset_min;
    n += snprintf(buf + n, sizeof buf - (size_t)n, "%c%02u:%02u", offset_min < 0 ? '-' : '+', (unsigned)(a / 60),
                  (unsigned)(a % 60));
  }
  return rt_str_new(buf, n);
}

/* Reads exactly `width` digits at p[*i]; -1 when they are not there. */
static int64_t digits(const char *p, int64_t n, int64_t *i, int width) {
  int64_t v = 0;
  for (int k = 0; k < width; k++) {
    if (*i >= n || p[*i] < '0' || p[*i] > '9') return -1;
    v = v * 10 + (p[(*i)++] - '0');
  }
  return v;
}

/* Milliseconds from the civil fields, or STD_TIME_BAD when a field is out of range
 * (month 1..12, day within the month, hour 0..23, minute 0..59, second 0..59, ms
 * 0..999, |year| <= 100000000). */
int64_t actor_std_time_from_fields(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s, int64_t ms) {
  if (y < -100000000 || y > 100000000 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, (unsigned)mo) || h < 0 ||
      h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0 || ms > 999)
    return STD_TIME_BAD;
  return days_from_civil(y, (unsigned)mo, (unsigned)d) * MS_PER_DAY + h * 3600000 + mi * 60000 + s * 1000 + ms;
}

/* YYYY-MM-DD, optionally followed by T (or t or a space) HH:MM[:SS[.fraction]] and a
 * zone: Z, +HH:MM, +HHMM, +HH (or none: UTC).  A date alone is midnight UTC.  Digits
 * of the fraction past milliseconds are dropped.  Years: four digits, or a sign and
 * four to nine. */
int64_t actor_std_time_parse_iso(rt_str *text) {
  const char *p = text ? text->data : "";
  int64_t n = text ? text->len : 0, i = 0, y;
  if (n > 0 && (p[0] == '+' || p[0] == '-')) {
    bool neg = p[0] == '-';
    i = 1;
    int64_t start = i;
    y = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9' && i - start < 9) y = y * 10 + (p[i++] - '0');
    if (i - start < 4) return STD_TIME_BAD;
    if (neg) y = -y;
  } else {
    y = digits(p, n, &i, 4);
    if (y < 0) return STD_TIME_BAD;
  }
  if (i >= n || p[i++] != '-') return STD_TIME_BAD;
  int64_t mo = digits(p, n, &i, 2);
  if (mo < 0 || i >= n || p[i++] != '-') return STD_TIME_BAD;
  int64_t d = digits(p, n, &i, 2), h = 0, mi = 0, s = 0, ms = 0, off = 0;
  if (d < 0) return STD_TIME_BAD;
  if (i < n) {
    if (p[i] != 'T' && p[i] != 't' && p[i] != ' ') return STD_TIME_BAD;
    i++;
    h = digits(p, n, &i, 2);
    if (h < 0 || i >= n || p[i++] != ':') return STD_TIME_BAD;
    mi = digits(p, n, &i, 2);
    if (mi < 0) return STD_TIME_BAD;
    if (i < n && p[i] == ':') {
      i++;
      s = digits(p, n, &i, 2);
      if (s < 0) return STD_TIME_BAD;
      if (i < n && (p[i] == '.' || p[i] == ',')) {
        i++;
        int64_t start = i;
        for (int64_t scale = 100; i < n && p[i] >= '0' && p[i] <= '9'; i++, scale /= 10) ms += (p[i] - '0') * scale;
        if (i == start) return STD_TIME_BAD;
      }
    }
    if (i < n) {
      if (p[i] == 'Z' || p[i] == 'z') {
        i++;
      } else if (p[i] == '+' || p[i] == '-') {
        bool neg = p[i++] == '-';
        int64_t oh = digits(p, n, &i, 2), om = 0;
        if (oh < 0 || oh > 23) return STD_TIME_BAD;
        if (i < n && p[i] == ':') i++;
        if (i < n) {
          om = digits(p, n, &i, 2);
          if (om < 0 || om > 59) return STD_TIME_BAD;
        }
        off = (oh * 60 + om) * (neg ? -1 : 1);
      } else {
        return STD_TIME_BAD;
      }
    }
    if (i != n) return STD_TIME_BAD;
  }
  int64_t t = actor_std_time_from_fields(y, mo, d, h, mi, s, ms);
  if (t == STD_TIME_BAD) return STD_TIME_BAD;
  return t - off * 60000;
}

/* The calendar fields of time ms (UTC) as a {String: Int}: year, month (1..12), day,
 * hour, minute, second, millisecond, weekday (ISO: 1 Monday .. 7 Sunday) and yearday
 * (1..366).  time.actor makes the wanted type {String: Int}. */
rt_word actor_std_time_fields(int64_t ms, const rt_type *want, const char *pos) {
  (void)pos;
  int64_t days = floor_div(ms, MS_PER_DAY), in_day = floor_mod(ms, MS_PER_DAY), y;
  unsigned mo, d;
  civil_from_days(days, &y, &mo, &d);
  int64_t wd = (days % 7 + 7 + 3) % 7 + 1; /* 1970-01-01 was a Thursday (4) */
  int64_t yd = days - days_from_civil(y, 1, 1) + 1;
  struct {
    const char *k;
    int64_t v;
  } f[] = {{"year", y},
           {"month", mo},
           {"day", d},
           {"hour", in_day / 3600000},
           {"minute", in_day / 60000 % 60},
           {"second", in_day / 1000 % 60},
           {"millisecond", in_day % 1000},
           {"weekday", wd},
           {"yearday", yd}};
  rt_map *m = rt_map_new(want);
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    rt_map_set(&m, want, (rt_word)(uintptr_t)rt_str_new(f[i].k, (int64_t)strlen(f[i].k)), (rt_word)f[i].v);
  return (rt_word)(uintptr_t)m;
}

/* ---- durations --------------------------------------------------------------------- */

/* As Go's time.Duration.String, at millisecond resolution: "0s", "250ms", "1.5s",
 * "2m0s", "1h2m3.004s", "-90ms". */
rt_str *actor_std_time_format_duration(int64_t ms) {
  if (ms == 0) return rt_str_new("0s", 2);
  char buf[64], *o = buf;
  uint64_t u = ms < 0 ? 0 - (uint64_t)ms : (uint64_t)ms;
  if (ms < 0) *o++ = '-';
  if (u < 1000) {
    o += snprintf(o, sizeof buf - 1, "%llums", (unsigned long long)u);
    return rt_str_new(buf, o - buf);
  }
  uint64_t h = u / 3600000, m = u / 60000 % 60, s = u / 1000 % 60, frac = u % 1000;
  if (h) o += snprintf(o, 24, "%lluh", (unsigned long long)h);
  if (h || m) o += snprintf(o, 8, "%llum", (unsigned long long)m);
  o += snprintf(o, 8, "%llu", (unsigned long long)s);
  if (frac) {
    o += snprintf(o, 8, ".%03llu", (unsigned long long)frac);
    while (o[-1] == '0') o--;
  }
  *o++ = 's';
  return rt_str_new(buf, o - buf);
}

/* A sequence of numbers with units -- "1h30m", "1.5s", "250ms", "2d", "-3m" -- as
 * milliseconds, rounded to the nearest; a bare "0" is zero.  Units: ms, s, m, h, d.
 * STD_TIME_BAD for anything else or beyond the Int range. */
int64_t actor_std_time_parse_duration(rt_str *text) {
  const char *p = text ? text->data : "";
  int64_t n = text ? text->len : 0, i = 0;
  bool neg = false;
  if (i < n && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
  if (i == n) return STD_TIME_BAD;
  if (n - i == 1 && p[i] == '0') return 0;
  long double total = 0;
  while (i < n) {
    int64_t start = i;
    long double v = 0, scale = 1;
    while (i < n && p[i] >= '0' && p[i] <= '9') v = v * 10 + (p[i++] - '0');
    bool whole = i > start;
    if (i < n && p[i] == '.') {
      i++;
      int64_t fs = i;
      while (i < n && p[i] >= '0' && p[i] <= '9') v += (p[i++] - '0') * (scale /= 10);
      if (i == fs && !whole) return STD_TIME_BAD;
    } else if (!whole) {
      return STD_TIME_BAD;
    }
    long double unit;
    if (n - i >= 2 && p[i] == 'm' && p[i + 1] == 's') {
      unit = 1, i += 2;
    } else if (i < n && p[i] == 's') {
      unit = 1000, i++;
    } else if (i < n && p[i] == 'm') {
      unit = 60000, i++;
    } else if (i < n && p[i] == 'h') {
      unit = 3600000, i++;
    } else if (i < n && p[i] == 'd') {
      unit = 86400000, i++;
    } else {
      return STD_TIME_BAD;
    }
    total += v * unit;
    if (total > 9.2e18L) return STD_TIME_BAD;
  }
  int64_t r = (int64_t)(total + 0.5L);
  return neg ? -r : r;
}
