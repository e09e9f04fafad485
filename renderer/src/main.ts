// The renderer's entry: Vue + Pinia + Vuetify (Japanese) + the router, and the bundled font.
import './zod-config'
import '@fontsource/noto-sans-jp/400.css'
import '@fontsource/noto-sans-jp/700.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { vuetify } from './plugins/vuetify'
import { router } from './router'
import './styles/app.css'

createApp(App).use(createPinia()).use(router).use(vuetify).mount('#app')
