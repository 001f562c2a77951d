/* bench/gen.c -- synthetic input documents for one week (see gen.h).
 *
 * The region: twelve places around Eindhoven with travel times from rough
 * coordinates; employers of a dozen sectors with the shift patterns those
 * sectors have (early/late/night warehouses, 04:00 bakeries, short
 * cleaning shifts, weekend hospitality); a language school with day,
 * evening and Saturday groups and the municipality's work training;
 * part-time candidates placed at one to three employers near home.
 * Demand is set a little above what the candidates can work, so that some
 * of it stays uncovered and gets explained. */
#include "gen.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- PRNG: splitmix64 ---------------------------------------------------- */

static uint64_t rng_next(uint64_t *state) {
        uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int rng_int(uint64_t *state, int lo, int hi) {
        return lo + (int) (rng_next(state) % (uint64_t) (hi - lo + 1));
}

static bool rng_chance(uint64_t *state, int percent) {
        return rng_int(state, 1, 100) <= percent;
}

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) --------------- */

static long days_from_civil(int y, int m, int d) {
        long era, yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = y - era * 400;
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d) {
        long era, doe, yoe, doy, mp;

        z += 719468;
        era = (z >= 0 ? z : z - 146096) / 146097;
        doe = z - era * 146097;
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        *d = (int) (doy - (153 * mp + 2) / 5 + 1);
        *m = (int) (mp < 10 ? mp + 3 : mp - 9);
        *y = (int) (yoe + era * 400 + (*m <= 2));
}

/* 0 = Monday. */
static int weekday(long days) {
        return (int) (((days + 3) % 7 + 7) % 7);
}

static long iso_week1_monday(int year) {
        long jan4 = days_from_civil(year, 1, 4);

        return jan4 - weekday(jan4);
}

static void iso_week_of(long days, int *year, int *week) {
        long thursday = days - weekday(days) + 3;
        int y, m, d;

        civil_from_days(thursday, &y, &m, &d);
        *year = y;
        *week = (int) ((thursday - iso_week1_monday(y)) / 7 + 1);
}

/* "2026-W49" -> Monday (days); false when malformed or nonexistent. */
static bool parse_week(const char *text, long *ret_monday) {
        int year, week, n = 0, y2, w2;
        long monday;

        if (!text || sscanf(text, "%4d-W%2d%n", &year, &week, &n) != 2 || n != 8 || text[n] != '\0')
                return false;
        if (year < 1 || week < 1 || week > 53)
                return false;
        monday = iso_week1_monday(year) + (long) (week - 1) * 7;
        iso_week_of(monday, &y2, &w2);
        if (y2 != year || w2 != week)
                return false;
        *ret_monday = monday;
        return true;
}

static const char *format_week(long monday, char buf[static 16]) {
        int y, w;

        iso_week_of(monday, &y, &w);
        snprintf(buf, 16, "%04d-W%02d", y, w);
        return buf;
}

static const char *format_date(long days, char buf[static 16]) {
        int y, m, d;

        civil_from_days(days, &y, &m, &d);
        snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
        return buf;
}

static const char *format_time(int minutes, char buf[static 8]) {
        minutes %= 1440;
        snprintf(buf, 8, "%02d:%02d", minutes / 60, minutes % 60);
        return buf;
}

static const char *format_duration(int minutes, char buf[static 16]) {
        if (minutes % 60 == 0)
                snprintf(buf, 16, "%dh", minutes / 60);
        else if (minutes < 60)
                snprintf(buf, 16, "%dm", minutes);
        else
                snprintf(buf, 16, "%dh%dm", minutes / 60, minutes % 60);
        return buf;
}

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ---- the region ------------------------------------------------------------ */

typedef struct place {
        const char *id;
        const char *town;               /* for display names */
        double x, y;                    /* km, roughly */
} place;

static const place places[] = {
        {"eindhoven-centrum", "Eindhoven", 0.0, 0.0},
        {"eindhoven-woensel", "Eindhoven", 0.5, 3.5},
        {"eindhoven-strijp", "Eindhoven", -2.5, 0.5},
        {"eindhoven-tongelre", "Eindhoven", 3.0, 0.0},
        {"eindhoven-gestel", "Eindhoven", -1.5, -3.0},
        {"veldhoven", "Veldhoven", -5.5, -2.0},
        {"best", "Best", -6.0, 8.0},
        {"son-en-breugel", "Son", 2.0, 8.5},
        {"nuenen", "Nuenen", 5.5, 4.0},
        {"geldrop", "Geldrop", 7.0, -3.5},
        {"helmond", "Helmond", 13.0, 1.5},
        {"waalre", "Waalre", -2.0, -6.5},
};
#define N_PLACES ((int) (sizeof(places) / sizeof(places[0])))

/* Door to door by bike or bus: 10 minutes plus 2.5 a kilometre, rounded
 * up to 5 minutes. */
static int travel_minutes(int a, int b) {
        double dx = places[a].x - places[b].x, dy = places[a].y - places[b].y;
        int t = (int) ceil((10.0 + 2.5 * sqrt(dx * dx + dy * dy)) / 5.0) * 5;

        return t;
}

/* ---- sectors ---------------------------------------------------------------- */

#define MON 0x01
#define TUE 0x02
#define WED 0x04
#define THU 0x08
#define FRI 0x10
#define SAT 0x20
#define SUN 0x40
#define MONFRI (MON | TUE | WED | THU | FRI)
#define MONSAT (MONFRI | SAT)
#define TUESAT (TUE | WED | THU | FRI | SAT)
#define THUSUN (THU | FRI | SAT | SUN)
#define SUNTHU (SUN | MON | TUE | WED | THU)
#define ALLWEEK (MONSAT | SUN)

typedef struct shift_tpl {
        int days;                       /* bit mask, MON..SUN */
        int start, end;                 /* minutes since midnight; end <= start: next day */
        int headcount_max;
} shift_tpl;

typedef struct position_tpl {
        const char *id;
        const char *title;
        int lang_min, lang_max;         /* requirement range, 0 = A0 .. 3 = B1 */
        const char *skill;              /* NULL: none */
        int skill_percent;              /* chance the skill is required */
        int min_block;                  /* minutes */
        int handover;                   /* minutes; 0: handover_at below */
        int handover_at[2];
        int n_shifts;
        shift_tpl shifts[3];
} position_tpl;

typedef struct sector_tpl {
        const char *slug;
        const char *name;               /* display name prefix */
        int n_positions;
        position_tpl positions[4];
} sector_tpl;

#define H(h, m) ((h) * 60 + (m))

static const sector_tpl sectors[] = {
        {"metaal", "Metaalbewerking", 3, {
                {"assemblage", "Assemblage-medewerker", 1, 2, "vca", 70, 240, 60, {0}, 1,
                 {{MONFRI, H(7, 0), H(15, 30), 2}}},
                {"lasassistent", "Lasassistent", 2, 3, "vca", 100, 240, 60, {0}, 1,
                 {{MONFRI, H(7, 0), H(15, 30), 1}}},
                {"inpak", "Inpakker", 0, 1, NULL, 0, 180, 60, {0}, 2,
                 {{MONFRI, H(6, 0), H(14, 0), 2}, {MONFRI, H(14, 0), H(22, 0), 1}}},
        }},
        {"logistiek", "Logistiek Centrum", 3, {
                {"orderpicker", "Orderpicker", 0, 1, NULL, 0, 240, 60, {0}, 3,
                 {{MONSAT, H(6, 0), H(14, 0), 3}, {MONFRI, H(14, 0), H(22, 0), 2},
                  {SUNTHU, H(22, 0), H(6, 0), 1}}},
                {"heftruck", "Heftruckchauffeur", 1, 2, "forklift", 100, 240, 60, {0}, 2,
                 {{MONFRI, H(6, 0), H(14, 0), 1}, {MONFRI, H(14, 0), H(22, 0), 1}}},
                {"retouren", "Medewerker retouren", 1, 2, NULL, 0, 180, 30, {0}, 1,
                 {{MONFRI, H(9, 0), H(17, 0), 1}}},
        }},
        {"schoonmaak", "Schoonmaakbedrijf", 2, {
                {"kantoren-vroeg", "Schoonmaker kantoren", 0, 1, "cleaning-cert", 30, 180, 30, {0}, 1,
                 {{MONFRI, H(5, 30), H(8, 30), 2}}},
                {"kantoren-avond", "Schoonmaker avond", 0, 1, NULL, 0, 180, 30, {0}, 1,
                 {{MONFRI, H(18, 0), H(21, 0), 2}}},
        }},
        {"horeca", "Restaurant", 3, {
                {"keuken", "Keukenhulp", 1, 2, "haccp", 60, 240, 60, {0}, 2,
                 {{THUSUN, H(16, 0), H(23, 0), 2}, {SAT | SUN, H(10, 0), H(16, 0), 1}}},
                {"afwas", "Afwasser", 0, 0, NULL, 0, 180, 60, {0}, 1,
                 {{THUSUN, H(17, 0), H(23, 30), 1}}},
                {"bediening", "Bediening", 3, 3, NULL, 0, 240, 0, {H(15, 0), H(19, 0)}, 1,
                 {{FRI | SAT | SUN, H(11, 0), H(23, 0), 1}}},
        }},
        {"kwekerij", "Kwekerij", 2, {
                {"oogst", "Oogstmedewerker", 0, 1, NULL, 0, 240, 60, {0}, 1,
                 {{MONSAT, H(7, 0), H(16, 0), 3}}},
                {"sorteren", "Sorteerder", 0, 1, NULL, 0, 180, 60, {0}, 1,
                 {{MONFRI, H(8, 0), H(14, 0), 2}}},
        }},
        {"bakkerij", "Bakkerij", 2, {
                {"bakker", "Bakkershulp", 1, 2, "haccp", 80, 240, 60, {0}, 1,
                 {{TUESAT, H(4, 0), H(12, 0), 2}}},
                {"winkel", "Winkelmedewerker", 2, 3, NULL, 0, 180, 0, {H(11, 0), H(13, 0)}, 1,
                 {{TUESAT, H(8, 0), H(17, 0), 1}}},
        }},
        {"supermarkt", "Supermarkt", 3, {
                {"vakkenvuller", "Vakkenvuller", 0, 1, NULL, 0, 180, 60, {0}, 2,
                 {{MONSAT, H(6, 0), H(12, 0), 2}, {MONSAT, H(17, 0), H(22, 0), 2}}},
                {"kassa", "Kassamedewerker", 3, 3, NULL, 0, 240, 60, {0}, 1,
                 {{MONSAT, H(12, 0), H(20, 0), 1}}},
                {"distributie", "Nachtvuller", 0, 1, NULL, 0, 240, 120, {0}, 1,
                 {{MON | WED | FRI, H(22, 0), H(4, 0), 1}}},
        }},
        {"wasserij", "Wasserij", 1, {
                {"productie", "Productiemedewerker wasserij", 0, 1, NULL, 0, 240, 60, {0}, 1,
                 {{MONFRI, H(8, 0), H(16, 30), 3}}},
        }},
        {"hotel", "Hotel", 2, {
                {"housekeeping", "Housekeeping", 1, 1, NULL, 0, 180, 60, {0}, 1,
                 {{ALLWEEK, H(9, 0), H(15, 0), 2}}},
                {"ontbijt", "Ontbijtmedewerker", 1, 2, "haccp", 50, 180, 30, {0}, 1,
                 {{ALLWEEK, H(6, 30), H(10, 30), 1}}},
        }},
        {"zorgkeuken", "Zorgcentrum", 2, {
                {"keuken", "Medewerker zorgkeuken", 2, 3, "haccp", 100, 180, 60, {0}, 2,
                 {{ALLWEEK, H(7, 0), H(13, 30), 1}, {ALLWEEK, H(16, 0), H(19, 30), 1}}},
                {"facilitair", "Facilitair medewerker", 1, 2, NULL, 0, 240, 60, {0}, 1,
                 {{MONFRI, H(8, 0), H(16, 0), 1}}},
        }},
        {"fietsen", "Fietsenmakerij", 1, {
                {"monteur", "Fietsenmaker in opleiding", 1, 2, "bike-tech", 60, 240, 60, {0}, 1,
                 {{TUESAT, H(9, 0), H(17, 30), 1}}},
        }},
        {"groen", "Gemeente Groenonderhoud", 2, {
                {"hovenier", "Medewerker groen", 0, 1, "vca", 60, 240, 60, {0}, 1,
                 {{MONFRI, H(7, 30), H(16, 0), 3}}},
                {"veger", "Medewerker straatreiniging", 0, 0, NULL, 0, 180, 60, {0}, 1,
                 {{MONFRI, H(6, 0), H(12, 0), 2}}},
        }},
};
#define N_SECTORS ((int) (sizeof(sectors) / sizeof(sectors[0])))

static const char *const brands[] = {
        "Van Dijk", "De Boer", "Jansen", "Bakker", "Visser", "Smits", "Peters", "Hendriks",
        "Van den Berg", "Mulder", "Kuipers", "Verhoeven", "Coolen", "Van Gerwen", "Swinkels",
        "Van de Ven", "Raaijmakers", "Van Lieshout", "Maas", "Biemans",
};
#define N_BRANDS ((int) (sizeof(brands) / sizeof(brands[0])))

static const char *const first_names[] = {
        "Amal", "Yusuf", "Rahel", "Omar", "Fatima", "Tesfay", "Samira", "Ahmad", "Layla", "Mehmet",
        "Ayse", "Khalid", "Nour", "Dawit", "Hanna", "Farid", "Zainab", "Oleksandr", "Iryna", "Abdi",
        "Hodan", "Reza", "Maryam", "Bilal", "Selam", "Mustafa", "Leila", "Hamid", "Aziza", "Yonas",
        "Dilan", "Tariq", "Sara", "Mahmoud", "Nadia", "Kidane", "Olena", "Ali", "Huda", "Emre",
        "Shirin", "Jamal", "Mulu", "Rania", "Bashir", "Natalia", "Faisal", "Aisha", "Hassan", "Mariam",
};
#define N_FIRST_NAMES ((int) (sizeof(first_names) / sizeof(first_names[0])))

static const char *const skill_ids[] = {"vca", "forklift", "haccp", "cleaning-cert", "bike-tech", "first-aid"};
static const int skill_percent[] = {30, 12, 25, 15, 6, 10};
#define N_SKILLS ((int) (sizeof(skill_ids) / sizeof(skill_ids[0])))

static const char *const levels[] = {"A0", "A1", "A2", "B1", "B2"};

/* {min, target, max} hours per week. */
static const int hour_patterns[][3] = {
        {8, 16, 20}, {12, 20, 24}, {16, 24, 32}, {0, 12, 16}, {20, 28, 32}, {12, 16, 20}, {16, 20, 24},
};
#define N_HOUR_PATTERNS ((int) (sizeof(hour_patterns) / sizeof(hour_patterns[0])))

static const char *const reasons[] = {
        "huisartsafspraak", "kinderopvang ophalen", "afspraak IND", "inburgeringsexamen",
        "afspraak gemeente", "ziekenhuisbezoek",
};
#define N_REASONS ((int) (sizeof(reasons) / sizeof(reasons[0])))

/* ---- the generated world --------------------------------------------------- */

typedef struct employer {
        char id[64];
        int sector;
        int place;
        int brand;
} employer;

typedef struct candidate {
        char id[16];
        int level;                      /* 0 = A0 .. 4 = B2 */
        int home;
        bool skills[N_SKILLS];
        int hours;                      /* index into hour_patterns */
        int max_days;
        int placement;                  /* 0 listed, 1 absent (anywhere), 2 none */
        int employers[3];
        int n_employers;
        int language_group;             /* index, -1 none */
        int training_group;
} candidate;

typedef struct group {
        char id[48];
        int level;
        int place;
        int kind;                       /* 0 morning, 1 afternoon, 2 evening, 3 saturday, 4 training */
        int days[3];
        int n_days;
        int start, end;
} group;

typedef struct gen {
        rg_options opts;
        uint64_t rng;
        long monday;
        int n_employers;
        int n_candidates;
        employer *employers;
        candidate *candidates;
        group *groups;                  /* language groups, then training groups */
        int n_language_groups;
        int n_training_groups;
        const char *dir;
        char *error;
} gen;

__attribute__((format(printf, 2, 3)))
static void set_error(gen *g, const char *fmt, ...) {
        va_list ap;

        if (g->error)
                return;
        va_start(ap, fmt);
        if (vasprintf(&g->error, fmt, ap) < 0)
                g->error = NULL;
        va_end(ap);
}

int rg_scale_from_string(const char *text, rg_scale *ret) {
        static const char *const names[_RG_SCALE_MAX] = {"small", "eindhoven", "region"};

        for (int i = 0; i < _RG_SCALE_MAX; i++)
                if (text && strcmp(text, names[i]) == 0) {
                        *ret = (rg_scale) i;
                        return 0;
                }
        return -EINVAL;
}

/* Places ordered by travel time from @from, nearest first. */
static void places_by_distance(int from, int order[static N_PLACES]) {
        for (int i = 0; i < N_PLACES; i++)
                order[i] = i;
        for (int i = 1; i < N_PLACES; i++)
                for (int j = i; j > 0 && travel_minutes(from, order[j]) < travel_minutes(from, order[j - 1]); j--) {
                        int t = order[j];

                        order[j] = order[j - 1];
                        order[j - 1] = t;
                }
}

static void make_employers(gen *g) {
        int per_slug[N_SECTORS] = {0};

        for (int e = 0; e < g->n_employers; e++) {
                employer *em = &g->employers[e];

                /* Every sector once before any repeats, then at random. */
                em->sector = e < N_SECTORS ? (e * 5) % N_SECTORS : rng_int(&g->rng, 0, N_SECTORS - 1);
                em->place = rng_chance(&g->rng, 40) ? rng_int(&g->rng, 0, 4) : rng_int(&g->rng, 0, N_PLACES - 1);
                em->brand = rng_int(&g->rng, 0, N_BRANDS - 1);
                per_slug[em->sector]++;
                snprintf(em->id, sizeof(em->id), "%s-%s-%d", sectors[em->sector].slug, places[em->place].id,
                         per_slug[em->sector]);
        }
}

static void make_candidates(gen *g) {
        for (int i = 0; i < g->n_candidates; i++) {
                candidate *c = &g->candidates[i];
                int r = rng_int(&g->rng, 1, 100), order[N_PLACES];

                snprintf(c->id, sizeof(c->id), g->n_candidates > 999 ? "c-%04d" : "c-%03d", i + 1);
                c->level = r <= 10 ? 0 : r <= 45 ? 1 : r <= 80 ? 2 : r <= 95 ? 3 : 4;
                c->home = rng_chance(&g->rng, 55) ? rng_int(&g->rng, 0, 4) : rng_int(&g->rng, 0, N_PLACES - 1);
                for (int s = 0; s < N_SKILLS; s++)
                        c->skills[s] = rng_chance(&g->rng, skill_percent[s]);
                c->hours = rng_int(&g->rng, 0, N_HOUR_PATTERNS - 1);
                c->max_days = rng_int(&g->rng, 3, 5);
                r = rng_int(&g->rng, 1, 100);
                c->placement = r <= 8 ? 1 : r <= 12 ? 2 : 0;
                c->language_group = -1;
                c->training_group = -1;
                if (c->placement != 0)
                        continue;

                /* One to three employers, mostly near home. */
                places_by_distance(c->home, order);
                for (int want = rng_int(&g->rng, 1, 3), tries = 0; c->n_employers < want && tries < 200; tries++) {
                        int e = rng_int(&g->rng, 0, g->n_employers - 1);
                        bool near = false, dup = false;

                        for (int k = 0; k < 5; k++)
                                near |= g->employers[e].place == order[k];
                        if (!near && tries < 100 && !rng_chance(&g->rng, 20))
                                continue;
                        for (int k = 0; k < c->n_employers; k++)
                                dup |= c->employers[k] == e;
                        if (!dup)
                                c->employers[c->n_employers++] = e;
                }
        }
}

/* Language groups, one per ~12 candidates, at levels A0..B1 and times
 * morning, afternoon, evening or Saturday; training groups for about a
 * quarter of the candidates. */
static int make_groups(gen *g) {
        static const int school_places[] = {0, 1, 10};         /* centrum, woensel, helmond */
        int n_lang = g->n_candidates / 12 + 2, n_train = g->n_candidates / 40 + 1;
        int per_name[5][4] = {{0}};

        g->groups = calloc((size_t) (n_lang + n_train), sizeof(group));
        if (!g->groups)
                return -ENOMEM;
        g->n_language_groups = n_lang;
        g->n_training_groups = n_train;
        for (int i = 0; i < n_lang + n_train; i++) {
                group *gr = &g->groups[i];
                static const char *const kinds[] = {"ochtend", "middag", "avond", "zaterdag", "werktraining"};
                static const char *const group_levels[] = {"a0-alfa", "a1", "a2", "b1"};
                int first;

                if (i < n_lang) {
                        gr->level = i % 4;
                        gr->kind = rng_int(&g->rng, 1, 100) <= 45 ? 0 : rng_chance(&g->rng, 40) ? 1 :
                                   rng_chance(&g->rng, 60) ? 2 : 3;
                        gr->place = school_places[rng_int(&g->rng, 0, 2)];
                } else {
                        gr->level = -1;
                        gr->kind = 4;
                        gr->place = 2;          /* eindhoven-strijp */
                }
                switch (gr->kind) {
                case 0:
                        gr->start = H(9, 0);
                        gr->end = H(12, 0);
                        break;
                case 1:
                        gr->start = H(13, 0);
                        gr->end = H(16, 0);
                        break;
                case 2:
                        gr->start = H(18, 30);
                        gr->end = H(21, 0);
                        break;
                case 3:
                        gr->start = H(9, 30);
                        gr->end = H(12, 30);
                        break;
                default:
                        gr->start = H(8, 30);
                        gr->end = H(12, 0);
                        break;
                }
                if (gr->kind == 3) {
                        gr->days[0] = 5;
                        gr->n_days = 1;
                } else {
                        gr->n_days = gr->kind == 4 ? 2 : rng_int(&g->rng, 2, 3);
                        first = rng_int(&g->rng, 0, 1);
                        for (int k = 0; k < gr->n_days; k++)
                                gr->days[k] = first + k * 2;            /* mon/wed/fri or tue/thu */
                        if (gr->n_days == 3 && first == 1)
                                gr->n_days = 2;
                }
                if (gr->kind == 4)
                        snprintf(gr->id, sizeof(gr->id), "werktraining-%d", i - n_lang + 1);
                else
                        snprintf(gr->id, sizeof(gr->id), "%s-%s-%d", group_levels[gr->level],
                                 kinds[gr->kind], ++per_name[gr->kind][gr->level]);
        }
        /* Each candidate below B2 takes a language group of their level
         * when there is one; a quarter take the work training. */
        for (int c = 0; c < g->n_candidates; c++) {
                candidate *cd = &g->candidates[c];

                if (cd->level <= 3 && rng_chance(&g->rng, 90)) {
                        int pick = -1, seen = 0;

                        for (int i = 0; i < n_lang; i++)
                                if (g->groups[i].level == cd->level && rng_int(&g->rng, 0, seen++) == 0)
                                        pick = i;
                        cd->language_group = pick;
                }
                if (rng_chance(&g->rng, 25))
                        cd->training_group = n_lang + rng_int(&g->rng, 0, n_train - 1);
        }
        return 0;
}

/* ---- writing ------------------------------------------------------------------ */

static FILE *open_out(gen *g, const char *name) {
        char path[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", g->dir, name);
        f = fopen(path, "w");
        if (!f)
                set_error(g, "cannot write %s: %s", path, strerror(errno));
        return f;
}

static int close_out(gen *g, FILE *f, const char *name) {
        bool bad = ferror(f);

        if (fclose(f) != 0 || bad) {
                set_error(g, "cannot write %s/%s: %s", g->dir, name, strerror(errno ? errno : EIO));
                return -EIO;
        }
        return 0;
}

static int write_config(gen *g) {
        static const char *const scale_names[_RG_SCALE_MAX] = {"small", "eindhoven", "region"};
        FILE *f = open_out(g, "config.yaml");

        if (!f)
                return -errno;
        fprintf(f, "# Generated by rosterd-gen (scale %s, seed %llu): travel times of the region.\n",
                scale_names[g->opts.scale], (unsigned long long) g->opts.seed);
        fprintf(f, "kind: config\nversion: 1\n");
        fprintf(f, "solver: {time_limit: 60s, gap: 0, workers: 2}\n");
        fprintf(f, "travel:\n  default: 30m\n  between:\n");
        for (int a = 0; a < N_PLACES; a++)
                for (int b = a + 1; b < N_PLACES; b++) {
                        char d[16];

                        fprintf(f, "    - {from: %s, to: %s, time: %s}\n", places[a].id, places[b].id,
                                format_duration(travel_minutes(a, b), d));
                }
        fprintf(f, "rules:\n");
        fprintf(f, "  max_shift: 12h\n  max_week: 60h\n  min_rest: 11h\n");
        fprintf(f, "  breaks: [{after: 5h30m, take: 30m}, {after: 10h, take: 45m}]\n");
        fprintf(f, "  max_blocks_per_day: 1\n");
        fprintf(f, "access:\n");
        fprintf(f, "  - {group: roster-accountmanagers, role: accountmanager}\n");
        fprintf(f, "  - {group: roster-portal, role: employer, employers: [\"*\"]}\n");
        fprintf(f, "  - {user: taalschool, role: school, schools: [taalschool-eindhoven]}\n");
        return close_out(g, f, "config.yaml");
}

static void write_days(FILE *f, int mask) {
        bool first = true;

        fprintf(f, "[");
        for (int d = 0; d < 7; d++)
                if (mask & (1 << d)) {
                        fprintf(f, "%s%s", first ? "" : ", ", day_names[d]);
                        first = false;
                }
        fprintf(f, "]");
}

/* One of the three forms of `weeks:`, always holding the planned week. */
static void write_weeks(gen *g, FILE *f) {
        char a[16], b[16];
        int form = rng_int(&g->rng, 0, 2);

        if (form == 0)
                fprintf(f, "weeks: %s\n", format_week(g->monday, a));
        else if (form == 1)
                fprintf(f, "weeks: %s..%s\n", format_week(g->monday - 7 * rng_int(&g->rng, 0, 4), a),
                        format_week(g->monday + 7 * rng_int(&g->rng, 1, 10), b));
        else
                fprintf(f, "weeks: [%s, %s]\n", format_week(g->monday, a), format_week(g->monday + 7, b));
}

static int write_shift_needs(gen *g, int e) {
        const employer *em = &g->employers[e];
        const sector_tpl *sec = &sectors[em->sector];
        char name[96];
        int n_pos, first;
        FILE *f;

        snprintf(name, sizeof(name), "shift-needs-%s.yaml", em->id);
        f = open_out(g, name);
        if (!f)
                return -errno;
        fprintf(f, "kind: shift-needs\nversion: 1\n");
        fprintf(f, "employer: %s\n", em->id);
        fprintf(f, "name: %s %s %s\n", sec->name, brands[em->brand], places[em->place].town);
        fprintf(f, "location: %s\n", places[em->place].id);
        write_weeks(g, f);
        fprintf(f, "positions:\n");

        n_pos = rng_int(&g->rng, 1, sec->n_positions);
        first = rng_int(&g->rng, 0, sec->n_positions - 1);
        for (int k = 0; k < n_pos; k++) {
                int t = (first + k) % sec->n_positions;
                const position_tpl *pt = &sec->positions[t];
                int lang = rng_int(&g->rng, pt->lang_min, pt->lang_max);
                int max_people = rng_chance(&g->rng, 70) ? 2 : 3;
                bool skill = pt->skill && rng_chance(&g->rng, pt->skill_percent);
                char d[16], t1[8], t2[8];

                fprintf(f, "  - id: %s\n", pt->id);
                fprintf(f, "    title: %s\n", pt->title);
                if (rng_chance(&g->rng, 25))
                        fprintf(f, "    priority: %s\n", rng_chance(&g->rng, 50) ? "2" : "1.5");
                fprintf(f, "    requires:\n      language: %s\n", levels[lang]);
                if (skill)
                        fprintf(f, "      skills: [%s]\n", pt->skill);
                fprintf(f, "    split:\n      max_people: %d\n      min_block: %s\n", max_people,
                        format_duration(pt->min_block, d));
                if (pt->handover)
                        fprintf(f, "      handover: %s\n", format_duration(pt->handover, d));
                else
                        fprintf(f, "      handover_at: [\"%s\", \"%s\"]\n", format_time(pt->handover_at[0], t1),
                                format_time(pt->handover_at[1], t2));
                fprintf(f, "    shifts:\n");
                for (int s = 0; s < pt->n_shifts; s++) {
                        const shift_tpl *st = &pt->shifts[s];
                        int mask = st->days;

                        /* Now and then a day less. */
                        if (rng_chance(&g->rng, 30)) {
                                int d0 = rng_int(&g->rng, 0, 6);

                                if ((mask & ~(1 << d0)) != 0)
                                        mask &= ~(1 << d0);
                        }
                        fprintf(f, "      - days: ");
                        write_days(f, mask);
                        fprintf(f, "\n        start: \"%s\"\n        end: \"%s\"\n",
                                format_time(st->start, t1), format_time(st->end, t2));
                        if (st->headcount_max > 1)
                                fprintf(f, "        headcount: %d\n", rng_int(&g->rng, 1, st->headcount_max));
                }
        }
        /* Now and then a dated extra: a Saturday event (Sinterklaas in
         * week 49), as a position of its own. */
        if (rng_chance(&g->rng, 20)) {
                char date[16];

                fprintf(f, "  - id: evenement\n    title: Evenementhulp\n");
                fprintf(f, "    split: {max_people: 2, min_block: 3h, handover: 1h}\n");
                fprintf(f, "    shifts:\n      - date: %s\n        start: \"12:00\"\n        end: \"18:00\"\n"
                           "        headcount: 2\n", format_date(g->monday + 5, date));
        }
        return close_out(g, f, name);
}

static void write_participants(gen *g, FILE *f, int gi) {
        bool first = true;

        fprintf(f, "    participants: [");
        for (int c = 0; c < g->n_candidates; c++) {
                const candidate *cd = &g->candidates[c];

                if (cd->language_group == gi || cd->training_group == gi) {
                        fprintf(f, "%s%s", first ? "" : ", ", cd->id);
                        first = false;
                }
        }
        /* Learners outside the work programme: not candidates, ignored. */
        for (int k = 0; k < 2 && gi < g->n_language_groups; k++)
                if (rng_chance(&g->rng, 40)) {
                        fprintf(f, "%sl-%03d-%d", first ? "" : ", ", gi + 1, k + 1);
                        first = false;
                }
        fprintf(f, "]\n");
}

static int write_timetable(gen *g, bool training) {
        const char *file = training ? "timetable-gemeente-werktraining.yaml" : "timetable-taalschool-eindhoven.yaml";
        int from = training ? g->n_language_groups : 0;
        int to = training ? g->n_language_groups + g->n_training_groups : g->n_language_groups;
        char a[16], b[16];
        FILE *f = open_out(g, file);

        if (!f)
                return -errno;
        fprintf(f, "kind: timetable\nversion: 1\n");
        fprintf(f, "school: %s\n", training ? "gemeente-werktraining" : "taalschool-eindhoven");
        fprintf(f, "weeks: %s..%s\n", format_week(g->monday - 7 * 10, a), format_week(g->monday + 7 * 20, b));
        if (!training)
                /* Closed days outside the planned week: they must not
                 * remove this week's classes. */
                fprintf(f, "closed: [%s, %s]\n", format_date(g->monday + 7 * 3 + 3, a),
                        format_week(g->monday + 7 * 5, b));
        fprintf(f, "groups:\n");
        for (int i = from; i < to; i++) {
                const group *gr = &g->groups[i];
                char t1[8], t2[8];

                fprintf(f, "  - id: %s\n", gr->id);
                if (gr->level >= 0)
                        fprintf(f, "    level: %s\n", levels[gr->level]);
                fprintf(f, "    location: %s\n", places[gr->place].id);
                fprintf(f, "    sessions:\n");
                for (int k = 0; k < gr->n_days; k++)
                        fprintf(f, "      - {day: %s, start: \"%s\", end: \"%s\"}\n", day_names[gr->days[k]],
                                format_time(gr->start, t1), format_time(gr->end, t2));
                write_participants(g, f, i);
        }
        return close_out(g, f, file);
}

static int write_candidates(gen *g) {
        FILE *f = open_out(g, "candidates.yaml");

        if (!f)
                return -errno;
        fprintf(f, "kind: candidates\nversion: 1\ncandidates:\n");
        for (int i = 0; i < g->n_candidates; i++) {
                const candidate *c = &g->candidates[i];
                const int *h = hour_patterns[c->hours];
                bool any = false;

                fprintf(f, "  - id: %s\n", c->id);
                fprintf(f, "    name: %s\n", first_names[rng_int(&g->rng, 0, N_FIRST_NAMES - 1)]);
                fprintf(f, "    language: %s\n", levels[c->level]);
                for (int s = 0; s < N_SKILLS; s++)
                        if (c->skills[s]) {
                                fprintf(f, "%s%s", any ? ", " : "    skills: [", skill_ids[s]);
                                any = true;
                        }
                if (any)
                        fprintf(f, "]\n");
                fprintf(f, "    hours: {min: %d, target: %d, max: %d}\n", h[0], h[1], h[2]);
                if (c->max_days != 5)
                        fprintf(f, "    max_days: %d\n", c->max_days);
                fprintf(f, "    home: %s\n", places[c->home].id);
                if (c->placement == 0) {
                        fprintf(f, "    employers: [");
                        for (int k = 0; k < c->n_employers; k++)
                                fprintf(f, "%s%s", k ? ", " : "", g->employers[c->employers[k]].id);
                        fprintf(f, "]\n");
                } else if (c->placement == 2) {
                        fprintf(f, "    employers: []\n");
                }
                if (rng_chance(&g->rng, 22)) {
                        int kind = rng_int(&g->rng, 0, 9);
                        char t1[8], t2[8], date[16];
                        int start = H(rng_int(&g->rng, 8, 15), rng_chance(&g->rng, 50) ? 30 : 0);
                        int len = rng_int(&g->rng, 1, 4) * 60;

                        fprintf(f, "    unavailable:\n");
                        if (kind < 6)
                                fprintf(f, "      - {day: %s, start: \"%s\", end: \"%s\", reason: \"%s\"}\n",
                                        day_names[rng_int(&g->rng, 0, 4)], format_time(start, t1),
                                        format_time(start + len, t2), reasons[rng_int(&g->rng, 0, N_REASONS - 1)]);
                        else if (kind < 9)
                                fprintf(f, "      - {date: %s, start: \"%s\", end: \"%s\"}\n",
                                        format_date(g->monday + rng_int(&g->rng, 0, 5), date),
                                        format_time(start, t1), format_time(start + len, t2));
                        else
                                fprintf(f, "      - {day: %s, reason: \"%s\"}\n", day_names[rng_int(&g->rng, 0, 6)],
                                        reasons[rng_int(&g->rng, 0, N_REASONS - 1)]);
                }
        }
        return close_out(g, f, "candidates.yaml");
}

static int make_dir(gen *g, const char *dir) {
        char path[4096];
        size_t len = strlen(dir);

        if (len == 0 || len >= sizeof(path)) {
                set_error(g, "bad output directory");
                return -EINVAL;
        }
        memcpy(path, dir, len + 1);
        for (char *p = path + 1; *p; p++)
                if (*p == '/') {
                        *p = '\0';
                        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                                set_error(g, "cannot create %s: %s", path, strerror(errno));
                                return -errno;
                        }
                        *p = '/';
                }
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                set_error(g, "cannot create %s: %s", path, strerror(errno));
                return -errno;
        }
        return 0;
}

int rg_generate(const rg_options *opts, const char *dir, char **reterr_message) {
        static const int scale_employers[_RG_SCALE_MAX] = {5, 60, 250};
        static const int scale_candidates[_RG_SCALE_MAX] = {25, 400, 1500};
        gen g = {.opts = *opts, .dir = dir};
        int r;

        if ((int) opts->scale < 0 || opts->scale >= _RG_SCALE_MAX) {
                set_error(&g, "unknown scale");
                r = -EINVAL;
                goto out;
        }
        if (!parse_week(opts->week, &g.monday)) {
                set_error(&g, "bad week \"%s\": expected an ISO week like 2026-W49", opts->week ? opts->week : "");
                r = -EINVAL;
                goto out;
        }
        g.n_employers = opts->employers > 0 ? opts->employers : scale_employers[opts->scale];
        g.n_candidates = opts->candidates > 0 ? opts->candidates : scale_candidates[opts->scale];
        if (g.n_employers > 9999 || g.n_candidates > 9999) {
                set_error(&g, "at most 9999 employers and 9999 candidates");
                r = -EINVAL;
                goto out;
        }
        g.rng = opts->seed * UINT64_C(0x2545f4914f6cdd1d) + 1;
        g.employers = calloc((size_t) g.n_employers, sizeof(employer));
        g.candidates = calloc((size_t) g.n_candidates, sizeof(candidate));
        if (!g.employers || !g.candidates) {
                r = -ENOMEM;
                goto out;
        }
        make_employers(&g);
        make_candidates(&g);
        r = make_groups(&g);
        if (r < 0)
                goto out;

        r = make_dir(&g, dir);
        if (r < 0)
                goto out;
        r = write_config(&g);
        for (int e = 0; e < g.n_employers && r >= 0; e++)
                r = write_shift_needs(&g, e);
        if (r >= 0)
                r = write_timetable(&g, false);
        if (r >= 0)
                r = write_timetable(&g, true);
        if (r >= 0)
                r = write_candidates(&g);
out:
        if (r == -ENOMEM)
                set_error(&g, "out of memory");
        if (r < 0 && reterr_message) {
                *reterr_message = g.error;
                g.error = NULL;
        }
        free(g.error);
        free(g.employers);
        free(g.candidates);
        free(g.groups);
        return r;
}
