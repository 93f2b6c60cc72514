// The KAD calendar's window: a period within one year shows that whole year; a longer period shows
// the 12 months up to its end.
import { describe, expect, it } from 'vitest';
import { calendarWindow } from '../../web/src/lib/calendar.ts';

describe('calendar window', () => {
  it('shows the whole selected year when the period lies in one year', () => {
    expect(calendarWindow('2024-03', '2024-06')).toEqual({ from: '2024-01', to: '2024-12', firstDay: '2024-01-01', lastDay: '2024-12-31' });
  });

  it('shows the latest 12 months when the period spans years', () => {
    // to = Feb 2025 → Mar 2024 … Feb 2025; February 2025 has 28 days.
    expect(calendarWindow('2023-01', '2025-02')).toEqual({ from: '2024-03', to: '2025-02', firstDay: '2024-03-01', lastDay: '2025-02-28' });
    // Leap year: Feb 2024 ends on the 29th.
    expect(calendarWindow('2022-05', '2024-02').lastDay).toBe('2024-02-29');
  });
});
