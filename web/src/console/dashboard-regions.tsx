import type { JSX } from 'preact';
import { COLOURS, type ShownCount } from '../../../src/domain/index.js';
import type { Answer } from '../shared/api.js';
import { ColourIcon } from '../shared/colour.js';
import { useT } from '../shared/i18n.js';
import { PlaceName } from '../shared/region-picker.js';

type Dashboard = Answer<'/api/v1/dashboard'>;
type Row = Dashboard['coloursByRegion'][number];

/**
 * Residents by colour and not yet declared, per district, under each city's row when the officer
 * answers for a city or more: a city or a district is picked with its name, a button, as a
 * keyboard picks it too. A city's row is the server's, its districts as shown summed; under it a
 * district is named by its own part (余杭区), the city above naming the rest.
 */
export function RegionsTable({ own, picked, pick, shown }: { own: Dashboard; picked: string; pick: (code: string) => void; shown: (c: ShownCount) => string }): JSX.Element {
  const t = useT();
  const toggle = (code: string) => pick(picked === code ? '' : code);
  const cells = (r: Row) => (
    <>
      {COLOURS.map((c) => (
        <td class={typeof r.counts[c] === 'number' ? 'num' : 'num muted'}>{shown(r.counts[c])}</td>
      ))}
      <td class={typeof r.undecided === 'number' ? 'num' : 'num muted'}>{shown(r.undecided)}</td>
    </>
  );
  const district = (r: Row, inCity: boolean) => (
    <tr class={`${picked === r.region ? 'selected' : ''}${inCity ? ' in-city' : ''}`} data-region={r.region} onClick={() => toggle(r.region)}>
      <td class="place">
        <button type="button" class="link" aria-pressed={picked === r.region} onClick={(e) => (e.stopPropagation(), toggle(r.region))}>
          <PlaceName code={r.region} name={r.regionName} short={inCity} />
        </button>
        <code>{r.region}</code>
      </td>
      {cells(r)}
    </tr>
  );
  const cities = own.coloursByCity;
  return (
    <div class="table-scroll" role="region" aria-label={t('dashboard.byRegion')} tabIndex={0}>
      <table class="table regions-table" data-testid="colours-by-region">
        <thead>
          <tr>
            <th>{cities.length > 0 ? t('dashboard.cityOrDistrict') : t('dashboard.region')}</th>
            {COLOURS.map((c) => (
              <th class="num" title={t(`colour.${c}`)}>
                <ColourIcon colour={c} size={20} />
                <span class="sr-only">{t(`colour.${c}`)}</span>
              </th>
            ))}
            <th class="num undecided-head" title={t('dashboard.undecidedHelp')}>
              {t('dashboard.undecided')}
            </th>
          </tr>
        </thead>
        <tbody>
          {cities.length === 0
            ? own.coloursByRegion.map((r) => district(r, false))
            : cities.flatMap((city) => [
                <tr class={`city-row${picked === city.region ? ' selected' : ''}`} data-region={city.region} onClick={() => toggle(city.region)}>
                  <td class="place">
                    <button type="button" class="link" aria-pressed={picked === city.region} onClick={(e) => (e.stopPropagation(), toggle(city.region))}>
                      <PlaceName code={city.region} name={city.regionName} short />
                    </button>
                    <code>{city.region}</code>
                  </td>
                  {cells(city)}
                </tr>,
                ...own.coloursByRegion.filter((r) => r.region.slice(0, 4) === city.region.slice(0, 4)).map((r) => district(r, true)),
              ])}
        </tbody>
      </table>
    </div>
  );
}
