export type OrgKind = 'collaboration' | 'network' | 'practice' | 'benchmark';

export interface Organisation {
  code: string;
  name: string;
  kind: OrgKind;
  parent: string | null;
}
