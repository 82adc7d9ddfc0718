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
