/**
 * The State design system (DSFR), bundled: its core stylesheet (without the legacy IE hacks) and
 * the icon families the apps use. Fonts (Marianne, Spectral) and icons are emitted as files of the
 * build, so the pages never call a third party.
 */
import '@gouvfr/dsfr/dist/dsfr.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-system/icons-system.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-document/icons-document.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-communication/icons-communication.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-user/icons-user.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-business/icons-business.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-health/icons-health.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-media/icons-media.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-arrows/icons-arrows.main.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons-device/icons-device.main.min.css';
