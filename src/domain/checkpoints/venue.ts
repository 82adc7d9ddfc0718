/** What a venue app's one-time pairing QR starts with, before the code a scanner exchanges for its credential. */
export const PAIRING_PREFIX = 'HCPAIR1:';

/** Places where codes are checked. */
export const VENUE_TYPES = ['subway_station', 'mall', 'school', 'supermarket', 'residential_compound', 'hospital', 'office'] as const;
export type VenueType = (typeof VENUE_TYPES)[number];

export interface Venue {
  id: string;
  name: string;
  type: VenueType;
  region: string;
  address: string;
  latitude: number;
  longitude: number;
  operator: string;
}
