// Vuetify: Japanese locale, SVG icons from @mdi/js (no icon font, nothing from the network) and a
// sober, bank-like light theme (navy primary, neutral greys, muted status colours).
import 'vuetify/styles'
import { createVuetify } from 'vuetify'
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg'
import { ja } from 'vuetify/locale'

export const vuetify = createVuetify({
  locale: { locale: 'ja', fallback: 'ja', messages: { ja } },
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  theme: {
    defaultTheme: 'bank',
    themes: {
      bank: {
        dark: false,
        colors: {
          background: '#f3f5f8',
          surface: '#ffffff',
          'surface-variant': '#eef1f5',
          'on-surface-variant': '#2b3440',
          primary: '#1d3557',
          'primary-darken-1': '#14263f',
          secondary: '#4a5a6e',
          info: '#1f5fa8',
          success: '#2e6b3a',
          warning: '#a15c00',
          error: '#b3261e',
        },
      },
    },
  },
  defaults: {
    VBtn: { style: 'text-transform: none; letter-spacing: normal;' },
    VTextField: { variant: 'outlined', density: 'comfortable', color: 'primary' },
    VTextarea: { variant: 'outlined', density: 'comfortable', color: 'primary' },
    VSelect: { variant: 'outlined', density: 'comfortable', color: 'primary' },
    VCheckbox: { color: 'primary' },
    VCard: { elevation: 1 },
    VChip: { style: 'letter-spacing: normal;' },
  },
})
