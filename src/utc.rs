//! UTC calendar dates from Unix seconds, for the texts and records that name a time: one conversion (the
//! proleptic Gregorian calendar, days from civil), so a record's RFC 3339 stamp and a comment's minute agree.

/// A moment in UTC, broken into the calendar fields the texts print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    pub year: u64,
    pub month: u64,
    pub day: u64,
    pub hour: u64,
    pub minute: u64,
    pub second: u64,
}

impl UtcTime {
    /// The calendar fields of `unix_seconds` (seconds since 1970-01-01T00:00:00Z).
    pub fn from_unix_seconds(unix_seconds: u64) -> Self {
        let (days, second_of_day) = (unix_seconds / 86_400, unix_seconds % 86_400);
        // Howard Hinnant's days-to-civil conversion, for days since 1970-01-01 (never negative here).
        let shifted = days + 719_468;
        let era = shifted / 146_097;
        let day_of_era = shifted % 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_index + 2) / 5 + 1;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        };
        Self {
            year: year_of_era + era * 400 + u64::from(month <= 2),
            month,
            day,
            hour: second_of_day / 3_600,
            minute: second_of_day % 3_600 / 60,
            second: second_of_day % 60,
        }
    }

    /// `2026-12-01T17:38:14Z`: RFC 3339 to the second.
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2026-12-01 17:38 UTC`: to the minute, for people.
    pub fn minute_text(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            self.year, self.month, self.day, self.hour, self.minute
        )
    }
}

#[cfg(test)]
mod tests {
    use super::UtcTime;

    #[test]
    fn dates_follow_the_calendar_through_leap_days() {
        assert_eq!(
            UtcTime::from_unix_seconds(0).rfc3339(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            UtcTime::from_unix_seconds(951_782_400).minute_text(),
            "2000-02-29 00:00 UTC"
        );
        assert_eq!(
            UtcTime::from_unix_seconds(1_796_134_094).rfc3339(),
            "2026-12-01T14:08:14Z"
        );
    }
}
