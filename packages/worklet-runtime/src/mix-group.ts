// Solo is a rule over several instruments: while any member of a group is soloed, the
// members that are not are muted. The engine knows only each slot's effective mute, so
// the group (a pool's, or a dedicated instrument's own) works it out and tells each
// member when its effective mute changes.

/** An instrument's place in the mix. */
export interface InstrumentMix {
  /** Linear gain, 0..16 (1: unity). */
  readonly gain: number;
  /** -1 (left) .. 1 (right), the voices' law: left = min(1, 1 - pan), right = min(1, 1 + pan). */
  readonly pan: number;
  readonly mute: boolean;
  readonly solo: boolean;
}

/** What a group needs of its members. */
export interface MixMember {
  readonly mix: InstrumentMix;
  /** Called with the member's effective mute (its own mute, or another member's solo), from context time `time` (absent: now). */
  applyMute(muted: boolean, time?: number): void;
}

/** Instruments whose solos mute one another: every instrument of one pool. */
export class SoloGroup {
  private readonly members = new Set<MixMember>();

  /** Adds a member and gives it its effective mute. */
  add(member: MixMember): void {
    this.members.add(member);
    this.refresh();
  }

  /** Removes a member; its solo no longer mutes the others. */
  delete(member: MixMember): void {
    if (this.members.delete(member)) this.refresh();
  }

  /** Works out every member's effective mute after a mute or solo changed (at `time`, absent: now). */
  refresh(time?: number): void {
    let soloed = false;
    for (const m of this.members) if (m.mix.solo) soloed = true;
    for (const m of this.members) m.applyMute(m.mix.mute || (soloed && !m.mix.solo), time);
  }
}
