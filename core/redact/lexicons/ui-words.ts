/**
 * Hand-written (not generated): lower-case words of user interfaces that compromise's English lexicon
 * (`english-words.ts`) lacks -- menu, settings and button words, app and product names, greeting and cue
 * words, and common menu words of other languages. Evidence against a name, never for one.
 */
export const UI_WORDS = `
about account accounts activity add admin administrator agenda alert alerts all analytics anyone api app
apps archive archived assistant attachment attachments audio auth autosave backup backups banner beta
bookmark bookmarks browser bug bugs build builds calendar calendars cancel captcha changelog chat chats
checkbox checkout cli clipboard cloud code config configuration console contacts cookie cookies copilot
csv dashboard dashboards database datasets debug debugger default delete deploy deployment desktop
dev devops dialog docs documentation download downloads draft drafts dropdown edit editor email emails
emoji everybody everyone export faq feed feedback file files filter filters finder folder folders folks
font fonts footer form forms fullscreen gallery github gitlab gmail google guys header help hi hello hey
history home homepage hotkey hotkeys howdy html http https icon icons inbox incognito index info insights
insert install integrations invoice invoices issue issues items javascript jira json kanban keyboard
keychain label labels laptop layout license links linux localhost log login logout logs mac macos mail
mailbox markdown menu menus messenger metadata microphone microsoft milestone mobile modal navigation
newsletter notebook notes notification notifications offline onboarding onedrive online outbox outlook
overview pdf playlist plugin plugins popup powerpoint preferences preview privacy profile profiles
project projects pull python readme recent recents redo refresh release releases reminder reminders
repo repos repository reports roadmap runbook safari screenshot screenshots script scripts sdk search
settings setup sharepoint sidebar signin signout signup sitemap skype slack snippet snippets spam
spreadsheet sprint staging starred status storage subscription subscriptions support sync tab tabs task
tasks team teams template templates terminal thanks thx timeline timesheet todo toggle toolbar toolbars
tooltip tracker trash troubleshoot tutorial ui unread untitled update updates upload uploads url user
username users vpn webex webinar website whatsapp widget widgets wifi wiki windows wizard word workflow
workflows workspace workspaces xml yaml zoom
gmbh ltd llc inc corp plc sarl
mon tue wed thu fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec
adobe acrobat photoshop illustrator lightroom premiere figma sketch miro notion asana trello clickup
monday basecamp airtable jenkins grafana kibana prometheus datadog splunk sentry pagerduty opsgenie
kubernetes docker terraform ansible argo helm vault consul nomad postgres postgresql mysql mongodb redis
elasticsearch kafka rabbitmq nginx apache tomcat intellij pycharm webstorm rider goland xcode eclipse
netbeans vim emacs neovim sublime atom vscode mozilla firefox chromium opera vivaldi brave edge
salesforce hubspot zendesk freshdesk servicenow workday sap fiori launchpad oracle netsuite quickbooks
xero sage tableau looker powerbi snowflake databricks bigquery redshift athena aws azure gcp heroku
vercel netlify cloudflare okta auth0 onelogin duo lastpass bitwarden keepass dropbox box gdrive evernote
obsidian todoist spotify itunes netflix youtube twitch reddit twitter facebook instagram tiktok pinterest
wordpress drupal joomla shopify magento stripe paypal klarna adyen zapier ifttt postman insomnia swagger
bitbucket sourcetree gitkraken circleci travis bamboo teamcity octopus confluence loom calendly doodle
datei bearbeiten ansicht einstellungen hilfe suche speichern öffnen schließen fenster extras posteingang
kalender aufgaben fichier édition affichage paramètres aide rechercher enregistrer ouvrir fermer
fenêtre outils accueil archivo editar ver ayuda buscar guardar abrir cerrar ventana herramientas
configuración inicio arquivo exibir ajuda pesquisar salvar fechar janela ferramentas configurações
impostazioni modifica visualizza aiuto cerca salva apri chiudi finestra strumenti bestand bewerken
beeld instellingen zoeken opslaan openen sluiten venster plik edycja widok pomoc ustawienia szukaj
zapisz otwórz zamknij okno narzędzia soubor úpravy zobrazit nápověda nastavení hledat uložit otevřít
zavřít tiedosto muokkaa näytä ohje asetukset haku tallenna avaa sulje ikkuna työkalut fájl szerkesztés
nézet súgó beállítások keresés mentés megnyitás bezárás ablak eszközök arkiv redigera visa hjälp
inställningar sök spara öppna stäng verktyg dosya düzenle görünüm yardım ayarlar ara kaydet aç kapat
pencere araçlar файл правка вид справка настройки поиск сохранить открыть закрыть окно сервис
αρχείο επεξεργασία προβολή βοήθεια ρυθμίσεις αναζήτηση αποθήκευση άνοιγμα κλείσιμο παράθυρο εργαλεία
lol lmao rofl haha hahaha omg btw fyi imo imho tbh brb afk asap idk np nvm pls plz yep yup nope yeah
hmm ugh wow oops ok okay kk
you're we're they're i'm i've i'll i'd you've you'll you'd we've we'll they've they'll don't doesn't
didn't can't won't isn't aren't wasn't weren't shouldn't couldn't wouldn't haven't hasn't let's that's
there's what's here's who's it's
`;
