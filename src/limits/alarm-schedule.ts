/**
 * Keeps a Durable Object's single alarm at the earliest time anyone asked for. The scheduled time is cached
 * so the hot path does not read storage on every call; the object calls `fired()` at the start of `alarm()`.
 */
export class AlarmSchedule {
  /** undefined = not read from storage yet; null = no alarm set. */
  private at: number | null | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Ensures an alarm fires no later than `at`. */
  async ensure(at: number): Promise<void> {
    if (this.at === undefined) this.at = await this.storage.getAlarm();
    if (this.at !== null && this.at <= at) return;
    this.at = at;
    await this.storage.setAlarm(at);
  }

  fired(): void {
    this.at = null;
  }
}
