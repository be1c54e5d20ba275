/**
 * The negative set: text that must leave the scrubber untouched. Written from what common applications
 * actually show (Office, Google Workspace, Slack, Teams, VS Code, Jira, Salesforce, SAP, Windows and macOS
 * settings, browsers), plus code, logs, dates, prices and ids, and look-alike non-secrets: example keys,
 * UUIDs, git SHAs, hashes, base64 in code, CSS class names. Never drawn from detector code or lists.
 */
import { Dice, seededRandom } from '../../agent/simulator/values.js';

/** Groups of the negative set; `ui` and `lookalike` have targets of their own. */
export const NEGATIVE_GROUPS = [
  'ui',
  'ui-intl',
  'window',
  'product',
  'code',
  'log',
  'data',
  'lookalike',
] as const;
/** One group of the negative set. */
export type NegativeGroup = (typeof NEGATIVE_GROUPS)[number];

/** One string that must come out unchanged. */
export interface NegativeSample {
  readonly group: NegativeGroup;
  readonly text: string;
}

const lines = (block: string): string[] =>
  block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** Menu items, buttons, settings names and dialog titles of common applications. */
const UI = lines(`
  File
  Edit
  View
  Insert
  Format
  Tools
  Table
  Window
  Help
  New Document
  Open Recent
  Save As
  Save a Copy
  Export to PDF
  Print Preview
  Page Setup
  Close Window
  Undo Typing
  Redo
  Cut
  Copy
  Paste Special
  Paste and Match Style
  Select All
  Find and Replace
  Go to Line
  Spelling and Grammar
  Track Changes
  Accept All Changes
  Reject Change
  New Comment
  Show Markup
  Word Count
  Read Aloud
  Immersive Reader
  Share
  Comments
  Editing
  Reviewing
  Viewing
  Version history
  See version history
  Make a copy
  Move to trash
  Add-ons
  Extensions
  Apps Script
  Conditional formatting
  Data validation
  Freeze panes
  Sort range
  Create a filter
  Pivot table
  Insert chart
  Merge cells
  Wrap text
  Text rotation
  Number format
  Currency
  Percent
  Borders
  Fill Color
  Font Color
  Bold
  Italic
  Underline
  Strikethrough
  Align Left
  Center
  Justify
  Line and paragraph spacing
  Bulleted list
  Numbered list
  Decrease indent
  Increase indent
  Clear formatting
  Headers and footers
  Page numbers
  Table of contents
  Footnote
  Special characters
  Equation
  Drawing
  Horizontal line
  Page break
  Slide Show
  From Beginning
  Presenter View
  New Slide
  Duplicate Slide
  Hide Slide
  Transitions
  Animations
  Slide Master
  Speaker notes
  Reply
  Reply All
  Forward
  Archive
  Delete
  Mark as unread
  Mark as read
  Flag
  Snooze
  Move to
  Categorize
  Junk Email
  Focused Inbox
  Other
  Sent Items
  Drafts
  Deleted Items
  Outbox
  Conversation History
  New Email
  New Meeting
  Schedule Send
  Out of Office
  Automatic Replies
  Rules and Alerts
  Attach File
  Insert Signature
  Discard
  Send
  Join meeting
  Leave
  Mute
  Unmute
  Turn camera on
  Share screen
  Stop sharing
  Raise hand
  Lower hand
  Breakout rooms
  Meeting options
  Start recording
  Stop recording
  Live captions
  Background effects
  Together mode
  Large gallery
  Meeting notes
  Add reaction
  Threads
  Mentions & reactions
  Saved items
  Channels
  Direct messages
  Browse channels
  Create a channel
  Add people
  Huddle
  Start a huddle
  Set yourself as away
  Pause notifications
  Preferences
  Notifications
  Sidebar
  Themes
  Messages & media
  Language & region
  Accessibility
  Mark as read
  Advanced
  Audio & video
  Privacy and security
  Clear browsing data
  Cookies and other site data
  Site settings
  Autofill and passwords
  Payment methods
  Addresses and more
  Search engine
  Default browser
  On startup
  Appearance
  Downloads
  Reset settings
  System
  Bluetooth & devices
  Network & internet
  Personalization
  Apps
  Accounts
  Time & language
  Gaming
  Windows Update
  Display
  Sound
  Power & battery
  Storage
  Multitasking
  Activation
  Troubleshoot
  Recovery
  Night light
  Scale and layout
  Display resolution
  Default apps
  Startup apps
  Sign-in options
  Family & other users
  Windows Security
  Virus & threat protection
  Firewall & network protection
  Device encryption
  Find my device
  Control Center
  Focus
  Screen Time
  General
  Desktop & Dock
  Displays
  Wallpaper
  Screen Saver
  Battery
  Lock Screen
  Touch ID & Password
  Users & Groups
  Passwords
  Internet Accounts
  Game Center
  Wallet & Apple Pay
  Keyboard
  Trackpad
  Printers & Scanners
  Software Update
  AirDrop & Handoff
  Time Machine
  Sharing
  Login Items
  Command Palette
  Quick Open
  Go to Symbol
  Go to Definition
  Peek Definition
  Find All References
  Rename Symbol
  Format Document
  Toggle Line Comment
  Toggle Block Comment
  Expand Selection
  Toggle Terminal
  New Terminal
  Split Terminal
  Run Build Task
  Run Without Debugging
  Start Debugging
  Toggle Breakpoint
  Step Over
  Step Into
  Step Out
  Source Control
  Explorer
  Search
  Run and Debug
  Problems
  Output
  Debug Console
  Ports
  Timeline
  Outline
  Open Editors
  Reload Window
  Developer: Reload Window
  Preferences: Open Settings (JSON)
  Git: Commit Staged
  Git: Pull
  Git: Push
  Git: Create Branch
  Git: Checkout to
  Stage Changes
  Discard Changes
  Open Changes
  Compare with Selected
  Word Wrap
  Minimap
  Zen Mode
  Backlog
  Active sprint
  Create issue
  Assign to me
  Log work
  Story points
  Sprint goal
  Complete sprint
  Start sprint
  Epic Link
  Fix Version
  Affects Version
  Components
  Labels
  Reporter
  Assignee
  Priority
  Resolution
  Due date
  Time tracking
  Original estimate
  Remaining estimate
  Link issue
  Clone
  Move
  Watchers
  To Do
  In Progress
  In Review
  Done
  Won't Do
  Opportunities
  Accounts
  Contacts
  Leads
  Cases
  Reports
  Dashboards
  Forecasts
  Campaigns
  Convert Lead
  New Opportunity
  Close Date
  Stage
  Probability
  Amount
  Next Step
  Lead Source
  Account Owner
  Opportunity Owner
  Closed Won
  Closed Lost
  Log a Call
  New Task
  Activity History
  Related List
  Sales Console
  Service Console
  Display Document
  Create Purchase Order
  Change Sales Order
  Display Material
  Goods Receipt
  Post Goods Issue
  Billing Document
  Vendor Master
  Customer Master
  Cost Center
  Profit Center
  Company Code
  Plant
  Storage Location
  Material Number
  Purchase Requisition
  Release Strategy
  Payment Run
  General Ledger
  Business Partner
  Posting Date
  Document Date
  Reference
  Header Text
  Line Item
  Save Draft
  Check
  Simulate
  Post
  Continue
  Cancel
  OK
  Apply
  Yes
  No
  Retry
  Ignore
  Abort
  Don't Save
  Save Changes
  Sign in
  Sign out
  Sign up
  Log in
  Forgot password?
  Remember me
  Keep me signed in
  Stay signed in?
  Next
  Back
  Submit
  Confirm
  Close
  Dismiss
  Learn more
  Show more
  Show less
  View all
  See all
  Got it
  Not now
  Try again
  Refresh
  Upload
  Download
  Open in app
  Open in browser
  Copy link
  Get link
  Manage access
  Anyone with the link
  Restricted
  Editor
  Viewer
  Commenter
  Add shortcut to Drive
  My Drive
  Shared with me
  Recent
  Starred
  Trash
  Storage full
  Upgrade storage
  Google Account
  Manage your Google Account
  Security checkup
  Two-Step Verification
  App passwords
  Recovery email
  Recovery phone
  Billing address
  Shipping address
  Phone number
  Email address
  Full name
  First name
  Last name
  Company name
  Postal code
  Date of birth
  Card number
  Expiration date
  Security code
  Account number
  Routing number
  Add payment method
  Place order
  Proceed to checkout
  Add to cart
  Continue shopping
  Order summary
  Apply coupon
  Terms of Service
  Privacy Policy
  Cookie settings
  Accept all cookies
  Reject all
  Manage preferences
  Unsaved changes
  Are you sure you want to delete this item?
  This action cannot be undone.
  Do you want to save changes to Document1?
  The file is locked for editing by another user.
  Your session has expired. Please sign in again.
  Microsoft Word
  Microsoft Excel
  Microsoft PowerPoint
  Microsoft Outlook
  Microsoft Teams
  OneDrive
  SharePoint
  OneNote
  Google Docs
  Google Sheets
  Google Slides
  Google Calendar
  Google Drive
  Visual Studio Code
  Jira Software
  Confluence
  Salesforce
  SAP GUI
  SAP Fiori Launchpad
  Zoom Workplace
  Adobe Acrobat Reader
  Task Manager
  File Explorer
  Control Panel
  Device Manager
  Activity Monitor
  Finder
  System Settings
  Keychain Access
  Disk Utility
  Calculator
  Notepad
  Terminal
  Command Prompt
  Windows PowerShell
  Snipping Tool
  Sticky Notes
  Microsoft Edge
  Google Chrome
  Mozilla Firefox
  Safari
  Brave
  Opera
`);

/** The same kind of vocabulary in the UI languages of the corpus locales (menus, buttons, settings). */
const UI_INTL = lines(`
  Datei
  Bearbeiten
  Ansicht
  Einfügen
  Format
  Extras
  Fenster
  Hilfe
  Speichern unter
  Rückgängig
  Alles auswählen
  Suchen und Ersetzen
  Einstellungen
  Abmelden
  Neue Nachricht
  Posteingang
  Gesendete Elemente
  Entwürfe
  Besprechung beitreten
  Bildschirm freigeben
  Fichier
  Édition
  Affichage
  Insertion
  Outils
  Fenêtre
  Aide
  Enregistrer sous
  Paramètres
  Se déconnecter
  Boîte de réception
  Éléments envoyés
  Rejoindre la réunion
  Partager l'écran
  Archivo
  Editar
  Insertar
  Herramientas
  Ventana
  Ayuda
  Guardar como
  Configuración
  Cerrar sesión
  Bandeja de entrada
  Unirse a la reunión
  Modifica
  Visualizza
  Inserisci
  Strumenti
  Finestra
  Impostazioni
  Posta in arrivo
  Arquivo
  Exibir
  Inserir
  Ferramentas
  Janela
  Ajuda
  Configurações
  Caixa de entrada
  Bestand
  Bewerken
  Beeld
  Invoegen
  Instellingen
  Postvak IN
  Tiedosto
  Muokkaa
  Näytä
  Lisää
  Työkalut
  Ikkuna
  Ohje
  Asetukset
  Saapuneet
  Arkiv
  Redigera
  Visa
  Infoga
  Verktyg
  Fönster
  Hjälp
  Inställningar
  Inkorgen
  Rediger
  Vis
  Innstillinger
  Innboks
  Indstillinger
  Indbakke
  Plik
  Edycja
  Widok
  Wstaw
  Narzędzia
  Okno
  Pomoc
  Ustawienia
  Odebrane
  Soubor
  Úpravy
  Zobrazit
  Vložit
  Nástroje
  Nápověda
  Nastavení
  Doručená pošta
  Fájl
  Szerkesztés
  Nézet
  Beszúrás
  Eszközök
  Ablak
  Súgó
  Beállítások
  Beérkezett üzenetek
  Αρχείο
  Επεξεργασία
  Προβολή
  Ρυθμίσεις
  Εισερχόμενα
  Файл
  Правка
  Вид
  Вставка
  Настройки
  Входящие
  Dosya
  Düzen
  Görünüm
  Ekle
  Araçlar
  Yardım
  Ayarlar
  Gelen Kutusu
  ファイル
  編集
  表示
  設定
  受信トレイ
  파일
  편집
  보기
  설정
  받은편지함
  文件
  编辑
  视图
  设置
  收件箱
  Tệp
  Chỉnh sửa
  Xem
  Cài đặt
  Hộp thư đến
  Fișier
  Editare
  Vizualizare
  Setări
  Mesaje primite
`);

/** Window titles without people in them. */
const WINDOW = lines(`
  Q3 Budget.xlsx - Excel
  Quarterly Business Review.pptx - PowerPoint
  Onboarding checklist.docx - Word
  Document1 - Word
  Book1 - Excel
  Inbox - Outlook
  Calendar - Outlook
  General (Marketing) | Microsoft Teams
  #engineering | Slack
  #random - Acme Corp - Slack
  Threads - Slack
  scrubber.ts - worktrace - Visual Studio Code
  package.json - api - Visual Studio Code
  README.md - Preview - Visual Studio Code
  [PROJ-1423] Export button does nothing - Jira
  Sprint 42 board - Agile Board - Jira
  Release notes 4.2 - Confluence
  Opportunities | Salesforce
  Home | Salesforce
  Create Purchase Order - SAP Easy Access
  Display Material: Initial Screen
  New Tab - Google Chrome
  Settings - Google Chrome
  Downloads - Mozilla Firefox
  GitHub - Pull requests
  Pull Request #482: Fix pagination in orders API
  Build #1873 failed - Jenkins
  Pipelines - GitLab
  Grafana - Service overview
  CloudWatch Management Console
  AWS Management Console
  Azure Portal
  Google Cloud console
  Task Manager
  Windows Security
  Bluetooth & devices - Settings
  Network & internet - Settings
  Zoom Meeting
  Teams meeting - Weekly sync
  Daily standup - Microsoft Teams
  All hands Q4 - Zoom
  Invoice_2291.pdf - Adobe Acrobat Reader
  Untitled - Notepad
  Administrator: Windows PowerShell
  zsh - 120x40
  bash - ssh build-01
  Activity Monitor (All Processes)
  Finder - Downloads
  Preview - Screenshot 2026-11-30 at 14.02.11.png
  Microsoft Edge - New tab
  Stack Overflow - How to parse ISO dates in JavaScript
  MDN Web Docs - Array.prototype.map()
  YouTube - Music
  Spotify Premium
  Figma - Checkout flow v3
  Miro - Retrospective board
  Notion - Team wiki
  Trello - Marketing launch
  Asana - My tasks
  Zendesk - Ticket #48211
  ServiceNow - Incident INC0012345
  Power BI Desktop - Sales Report
  Tableau - Regional dashboard
`);

/** Product and app names, some of which look like names. */
const PRODUCT = lines(`
  Adobe Photoshop 2025
  Adobe Illustrator
  Adobe Premiere Pro
  AutoCAD 2026
  Autodesk Revit
  SolidWorks
  MATLAB R2025b
  RStudio
  PyCharm Professional
  IntelliJ IDEA Ultimate
  WebStorm
  Android Studio
  Xcode
  Docker Desktop
  Postman
  Insomnia
  DBeaver
  pgAdmin 4
  MySQL Workbench
  TablePlus
  Sublime Text
  Notepad++
  Obsidian
  Evernote
  Todoist
  1Password
  Bitwarden
  KeePassXC
  LastPass
  Dropbox
  Box Drive
  WeTransfer
  DocuSign
  HubSpot CRM
  Zoho CRM
  Pipedrive
  Intercom
  Freshdesk
  Mailchimp
  Canva
  Grammarly
  DeepL Translator
  ChatGPT
  Claude
  Gemini
  GitHub Copilot
  Cursor
  Windsurf
  Alteryx Designer
  QuickBooks Online
  Xero
  Sage 50
  Workday
  SuccessFactors
  BambooHR
  Greenhouse
  Lever
  Okta Verify
  Microsoft Authenticator
  Citrix Workspace
  VMware Horizon Client
  Cisco AnyConnect
  GlobalProtect
  FortiClient VPN
  Webex Meetings
  GoTo Meeting
  Loom
  Calendly
  Lucidchart
  draw.io
  Jenkins
  CircleCI
  TeamCity
  Argo CD
  Terraform Cloud
  Kubernetes Dashboard
  Lens
  Rancher Desktop
  Splunk Enterprise
  Datadog
  New Relic
  Sentry
  PagerDuty
  Opsgenie
`);

/** Code snippets as they appear in editors and terminals. */
const CODE = lines(`
  const total = items.reduce((sum, item) => sum + item.price, 0);
  export function parseDate(input: string): Date | undefined {
  if (!response.ok) throw new Error(\`HTTP \${response.status}\`);
  for (let i = 0; i < rows.length; i++) {
  import { useState, useEffect } from 'react';
  import pandas as pd
  df = pd.read_csv("sales_2025.csv", parse_dates=["order_date"])
  def calculate_discount(price, rate=0.15):
  SELECT customer_id, SUM(amount) FROM orders WHERE status = 'paid' GROUP BY customer_id;
  CREATE INDEX idx_orders_created_at ON orders (created_at);
  git commit -m "Fix pagination off-by-one in orders endpoint"
  git checkout -b feature/export-csv
  git rebase -i HEAD~3
  npm install --save-dev typescript@5.9.3
  docker compose up -d postgres redis
  kubectl get pods -n payments --watch
  terraform plan -out=tfplan
  aws s3 ls s3://reports-bucket/2025/
  pip install -r requirements.txt
  python -m pytest tests/ -k "not slow"
  cargo build --release
  go test ./... -run TestParse
  mvn clean package -DskipTests
  ./gradlew assembleDebug
  chmod +x scripts/deploy.sh
  grep -rn "TODO" src/
  curl -s https://api.example.com/health | jq .status
  <div className="flex items-center justify-between px-4 py-2">
  <button type="submit" class="btn btn-primary">Save</button>
  @media (max-width: 768px) { .sidebar { display: none; } }
  .card__header--active { border-bottom: 1px solid #e5e7eb; }
  margin: 0 auto; padding: 12px 16px;
  color: rgba(17, 24, 39, 0.85);
  public static void main(String[] args) {
  System.out.println("Processing batch " + batchId);
  Console.WriteLine($"Loaded {count} records");
  fn main() -> Result<(), Box<dyn Error>> {
  let config = Config::from_env()?;
  func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
  resource "aws_s3_bucket" "reports" {
  apiVersion: apps/v1
  kind: Deployment
  replicas: 3
  image: nginx:1.27-alpine
  FROM node:20-alpine AS build
  RUN npm ci --omit=dev
  EXPOSE 8080
  "scripts": { "build": "tsc -p tsconfig.json", "test": "vitest run" }
  "version": "2.14.0",
  assert.equal(result.length, 3);
  expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();
  try { await client.send(command); } catch (err) { logger.error(err); }
  while (queue.length > 0) processNext(queue.shift());
  return { statusCode: 200, body: JSON.stringify(payload) };
  // TODO: handle the empty-cart case before release
  # Retry with exponential backoff, max 5 attempts
  =VLOOKUP(A2, Customers!A:D, 4, FALSE)
  =SUMIFS(C:C, A:A, "North", B:B, ">=2025-01-01")
  =IFERROR(INDEX(B:B, MATCH(E2, A:A, 0)), "")
`);

/** Log lines without personal data. */
const LOG = lines(`
  2026-11-30T14:02:11.512Z INFO  server listening on port 8080
  2026-11-30T14:02:12.003Z WARN  cache miss ratio above 0.4 for region eu-west-1
  2026-11-30T14:02:13.771Z ERROR request failed: ECONNRESET after 3 retries
  [2026-11-30 14:05:00] production.INFO: Scheduled job reports:daily completed in 4.2s
  Nov 30 14:06:01 build-01 systemd[1]: Started Daily apt upgrade and clean activities.
  Nov 30 14:06:02 build-01 kernel: [12345.678901] eth0: link up, 1000 Mbps, full duplex
  GET /api/v2/orders?page=3&limit=50 200 38ms
  POST /api/v2/invoices 201 112ms
  DELETE /api/v2/sessions/current 204 9ms
  HTTP/1.1 503 Service Unavailable
  Retry-After: 120
  Content-Type: application/json; charset=utf-8
  Cache-Control: no-cache, no-store, must-revalidate
  Accept-Language: en-GB,en;q=0.9,de;q=0.8
  User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36
  npm WARN deprecated inflight@1.0.6: This module is not supported
  added 1287 packages, and audited 1288 packages in 41s
  found 0 vulnerabilities
  BUILD SUCCESSFUL in 1m 12s
  Tests: 412 passed, 3 skipped, 415 total
  Time: 18.244 s
  Compiled successfully in 2.4s
  webpack 5.97.1 compiled with 2 warnings in 5621 ms
  Deployment "payments-api" successfully rolled out
  pod/worker-7d9c8b6f5-x2kq9 condition met
  Exit code 137 (OOMKilled)
  Segmentation fault (core dumped)
  java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
  Traceback (most recent call last):
  ValueError: invalid literal for int() with base 10: 'N/A'
  TypeError: Cannot read properties of undefined (reading 'map')
  ORA-00942: table or view does not exist
  ERROR 1045 (28000): Access denied for user
  warning: LF will be replaced by CRLF in src/index.ts
  Your branch is up to date with 'origin/main'.
  nothing to commit, working tree clean
  Fast-forward
  3 files changed, 42 insertions(+), 7 deletions(-)
  Backup completed: 1,204 files, 3.2 GB, 0 errors
  Sync paused: metered connection
  Update KB5044284 installed successfully
  The printer is offline
  Low disk space on Local Disk (C:)
`);

/** Dates, times, prices, versions, order and ticket numbers. */
const DATA = lines(`
  Tuesday, 2 December 2026
  12/02/2026
  2026-12-02
  02.12.2026
  14:30 - 15:00
  9:00 AM – 10:30 AM (CET)
  Due in 3 days
  Last modified 5 minutes ago
  Updated yesterday at 16:42
  Q4 FY2026
  Week 49
  $1,299.00
  €49,90
  £12.50 incl. VAT
  ¥12,800
  CHF 1'250.00
  Total: 2,450.75 USD
  Subtotal 318.40
  Discount -15%
  VAT 19% 46.55
  Version 4.2.1
  v2.14.0-beta.3
  Build 26100.2454
  Chrome 131.0.6778.86
  macOS Sequoia 15.1.1
  Windows 11 Pro 24H2
  iOS 18.2
  Node.js v20.19.0
  Python 3.12.7
  Order #100234871
  Order No. 4500012873
  Invoice INV-2026-00412
  Ticket #48211
  INC0012345
  PROJ-1423
  PO 4500098812
  SKU 88-2291-B
  Case 00123456
  Quote Q-2026-118
  Delivery note 80012345
  Tracking number 1Z999AA10123456784
  Room 4.12
  Floor 3, Building B
  Page 3 of 12
  Slide 7 / 24
  100% zoom
  1920 x 1080
  250 GB free of 512 GB
  Battery 87%
  3 unread messages
  12 new notifications
`);

/** Look-alike non-secrets written by hand: documented example keys and placeholders. */
const LOOKALIKE_WRITTEN = lines(`
  AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  OPENAI_API_KEY=your-api-key-here
  STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
  GITHUB_TOKEN=<your-token>
  api_key: YOUR_API_KEY
  password: ********
  DB_PASSWORD=changeme
  Authorization: Bearer <token>
  Authorization: Bearer $TOKEN
  x-api-key: {{apiKey}}
  export AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX
  SLACK_BOT_TOKEN=xoxb-your-token
  token = "REPLACE_ME"
  secret: "${'$'}{SECRET_FROM_VAULT}"
  client_secret=<client-secret>
  PRIVATE_KEY=/run/secrets/private_key
  Set GRAFANA_TOKEN in your environment
  Paste your Hugging Face token here
  Generate a personal access token under Settings > Developer settings
  The key looks like sk-... and is shown only once
  ssh-keygen -t ed25519 -C "laptop"
  -----BEGIN CERTIFICATE-----
  -----BEGIN PUBLIC KEY-----
  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif;
  color: #1f2937;
  background: linear-gradient(90deg, #4f46e5 0%, #06b6d4 100%);
  Content-Security-Policy: default-src 'self'; script-src 'self' 'nonce-abc123'
  ETag: W/"5e-1b2c3d4e"
`);

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Generated look-alikes: ids, hashes and blobs that appear in code and logs every day. */
function generatedLookalikes(d: Dice): string[] {
  const uuid = () =>
    `${d.chars(HEX, 8)}-${d.chars(HEX, 4)}-4${d.chars(HEX, 3)}-${d.pick(['8', '9', 'a', 'b'])}${d.chars(HEX, 3)}-${d.chars(HEX, 12)}`;
  const b64 = (n: number) => Buffer.from(d.chars(ALNUM, n)).toString('base64');
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    out.push(`const id = '${uuid()}';`);
    out.push(`requestId=${uuid()}`);
    out.push(`commit ${d.chars(HEX, 40)}`);
    out.push(`Merge ${d.chars(HEX, 7)} into main`);
    out.push(`sha256:${d.chars(HEX, 64)}`);
    out.push(`${d.chars(HEX, 64)}  release-4.2.1.tar.gz`);
    out.push(
      `<script src="https://cdn.example.com/lib.min.js" integrity="sha384-${b64(36).slice(0, 64)}" crossorigin="anonymous"></script>`,
    );
    out.push(`integrity sha512-${b64(48)}`);
    out.push(`background-image: url("data:image/png;base64,${b64(60)}");`);
    out.push(`<img src="data:image/svg+xml;base64,${b64(48)}" alt="">`);
    out.push(
      `<div class="css-${d.chars('abcdefghijklmnopqrstuvwxyz0123456789', 6)} e1${d.chars('abcdefghijklmnopqrstuvwxyz0123456789', 6)}0">`,
    );
    out.push(`className="sc-${d.chars(ALNUM, 6)} ${d.chars(ALNUM, 6)}"`);
    out.push(
      `"resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz", "integrity": "sha512-${b64(48)}"`,
    );
    out.push(`docker pull ghcr.io/acme/api@sha256:${d.chars(HEX, 64)}`);
    out.push(`ETag: "${d.chars(HEX, 32)}"`);
    out.push(`traceparent: 00-${d.chars(HEX, 32)}-${d.chars(HEX, 16)}-01`);
  }
  return out;
}

/** The whole negative set (deterministic). */
export function negativeSet(seed = 1): NegativeSample[] {
  const d = new Dice(seededRandom(seed * 31 + 5));
  const out: NegativeSample[] = [];
  const add = (group: NegativeGroup, texts: readonly string[]) => {
    for (const text of texts) out.push({ group, text });
  };
  add('ui', UI);
  add('ui-intl', UI_INTL);
  add('window', WINDOW);
  add('product', PRODUCT);
  add('code', CODE);
  add('log', LOG);
  add('data', DATA);
  add('lookalike', [...LOOKALIKE_WRITTEN, ...generatedLookalikes(d)]);
  return out;
}
