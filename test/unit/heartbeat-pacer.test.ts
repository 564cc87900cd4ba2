import { HeartbeatPacer } from '../../src/activities/heartbeat-pacer';

describe('a pack’s heartbeats, paced', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('sends the first beat asked for at once, then one per gap however many are asked for', () => {
    let sent = 0;
    const pacer = new HeartbeatPacer(() => sent++, 200);
    pacer.soon();
    expect(sent).toBe(1);
    for (let i = 0; i < 100; i++) pacer.soon(); // 100 children begin within the gap
    expect(sent).toBe(1);
    jest.advanceTimersByTime(199);
    expect(sent).toBe(1);
    jest.advanceTimersByTime(1);
    expect(sent).toBe(2); // the trailing beat carries them all
    jest.advanceTimersByTime(1000);
    expect(sent).toBe(2); // nothing asked since: nothing sent
    pacer.soon();
    expect(sent).toBe(3); // the gap has passed: at once
  });

  it('sends at once when told to, and the trailing beat it replaces is not sent as well', () => {
    let sent = 0;
    const pacer = new HeartbeatPacer(() => sent++, 200);
    pacer.soon();
    pacer.soon();
    pacer.now();
    expect(sent).toBe(2);
    jest.advanceTimersByTime(1000);
    expect(sent).toBe(2);
  });

  it('sends nothing once stopped', () => {
    let sent = 0;
    const pacer = new HeartbeatPacer(() => sent++, 200);
    pacer.soon();
    pacer.soon();
    pacer.stop();
    jest.advanceTimersByTime(1000);
    expect(sent).toBe(1);
  });
});
