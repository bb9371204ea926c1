<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
    <context>
        <name>ComposePanel</name>
        <message>
            <location filename="../ui/compose_panel.py" line="91" />
            <source>Features</source>
            <translation>Entités</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="96" />
            <source>The layer whose features become orders</source>
            <translation>La couche dont les entités deviennent des commandes</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="97" />
            <source>Layer</source>
            <translation>Couche</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="99" />
            <source>Selected features only</source>
            <translation>Entités sélectionnées uniquement</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="110" />
            <source>Orders</source>
            <translation>Commandes</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="114" />
            <source>Order name</source>
            <translation>Nom de la commande</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="115" />
            <source>A field or an expression giving each order's name</source>
            <translation>Un champ ou une expression qui donne le nom de chaque commande</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="116" />
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="123" />
            <source>Start (UTC)</source>
            <translation>Début (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="124" />
            <source>End (UTC)</source>
            <translation>Fin (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="133" />
            <source>Flexible</source>
            <translation>Flexible</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="134" />
            <source>Monitoring (repeated captures)</source>
            <translation>Surveillance (acquisitions répétées)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="135" />
            <source>Scheduling</source>
            <translation>Planification</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="141" />
            <source>Daily</source>
            <translation>jour(s)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="141" />
            <source>Weekly</source>
            <translation>semaine(s)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="141" />
            <source>Monthly</source>
            <translation>mois</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="149" />
            <source>every</source>
            <translation>intervalle</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="154" />
            <source>Repeat</source>
            <translation>Répétition</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="158" />
            <source> captures</source>
            <translation> acquisitions</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="159" />
            <source>Count</source>
            <translation>Nombre</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="161" />
            <source>Any day</source>
            <translation>N'importe quel jour</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="162" />
            <source>Monday</source>
            <translation>Lundi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="162" />
            <source>Tuesday</source>
            <translation>Mardi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="162" />
            <source>Wednesday</source>
            <translation>Mercredi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="162" />
            <source>Thursday</source>
            <translation>Jeudi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="162" />
            <source>Friday</source>
            <translation>Vendredi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="162" />
            <source>Saturday</source>
            <translation>Samedi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="162" />
            <source>Sunday</source>
            <translation>Dimanche</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="175" />
            <source>Weekday</source>
            <translation>Jour de la semaine</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="176" />
            <source>Monitoring orders take points and lines only; the end time is not used.</source>
            <translation>Les commandes de surveillance n'acceptent que des points et des lignes ; l'heure de fin n'est pas utilisée.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="186" />
            <source>Contract, angles and extra fields</source>
            <translation>Contrat, angles et champs supplémentaires</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="192" />
            <source>PL-123456 (default: your contract)</source>
            <translation>PL-123456 (par défaut : votre contrat)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="193" />
            <source>PL number</source>
            <translation>Numéro PL</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="195" />
            <source>default: your contract's product</source>
            <translation>par défaut : le produit de votre contrat</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="196" />
            <source>Product</source>
            <translation>Produit</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="200" />
            <source>min</source>
            <translation>min</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="202" />
            <source>max</source>
            <translation>max</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="205" />
            <source>Elevation (°)</source>
            <translation>Élévation (°)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="206" />
            <source>Start time per feature (UTC)</source>
            <translation>Début propre à chaque entité (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="206" />
            <source>Optional: a date/time field or expression giving each order its own start (UTC). Empty: the start above.</source>
            <translation>Facultatif : un champ ou une expression date/heure donnant à chaque commande son propre début (UTC). Vide : le début ci-dessus.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="213" />
            <source>Start per feature</source>
            <translation>Début par entité</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="214" />
            <source>End time per feature (UTC)</source>
            <translation>Fin propre à chaque entité (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="214" />
            <source>Optional: a date/time field or expression giving each order its own end (UTC). Empty: the end above, or 14 days after a per-feature start.</source>
            <translation>Facultatif : un champ ou une expression date/heure donnant à chaque commande sa propre fin (UTC). Vide : la fin ci-dessus, ou 14 jours après un début propre à l’entité.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="221" />
            <source>End per feature</source>
            <translation>Fin par entité</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="223" />
            <source>One order per part</source>
            <translation>Une commande par partie</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="224" />
            <source>Skip multipart features</source>
            <translation>Ignorer les entités multiparties</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="225" />
            <source>Multipart</source>
            <translation>Multiparties</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="230" />
            <source>More order fields as a JSON object, added to every order as they are</source>
            <translation>Champs de commande supplémentaires sous forme d'objet JSON, ajoutés tels quels à chaque commande</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="233" />
            <source>Extra fields</source>
            <translation>Champs supplémentaires</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="285" />
            <source>Date and time in UTC</source>
            <translation>Date et heure en UTC</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="298" />
            <source>unset</source>
            <translation>non défini</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="301" />
            <source>Satellite elevation angle, 0–90°; 'unset' uses the default</source>
            <translation>Angle d'élévation du satellite, 0–90° ; « non défini » utilise la valeur par défaut</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="568" />
            <source>Choose a vector layer.</source>
            <translation>Choisissez une couche vecteur.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="423" />
            <source>Nothing is selected on “{layer}”. Select features on the map, or untick “Selected features only”.</source>
            <translation>Rien n'est sélectionné sur « {layer} ». Sélectionnez des entités sur la carte, ou décochez « Entités sélectionnées uniquement ».</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="429" />
            <source>{n} of {total} features selected.</source>
            <translation>{n} entité(s) sélectionnée(s) sur {total}.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="434" />
            <source>All {total} features of “{layer}”.</source>
            <translation>Les {total} entités de « {layer} ».</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="479" />
            <source>The window starts within 24 hours: Planet may refuse it (flexible orders start at least 24 hours after they are placed).</source>
            <translation>La fenêtre commence dans moins de 24 heures : Planet peut la refuser (une commande flexible commence au moins 24 heures après avoir été passée).</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="486" />
            <source>The window is shorter than 14 days: Planet may refuse it (flexible windows last at least 14 days).</source>
            <translation>La fenêtre dure moins de 14 jours : Planet peut la refuser (une fenêtre flexible dure au moins 14 jours).</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="516" />
            <source>Not valid JSON: {error}</source>
            <translation>JSON non valide : {error}</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="519" />
            <source>Extra fields must be a JSON object, like {"key": "value"}.</source>
            <translation>Les champs supplémentaires doivent former un objet JSON, par exemple {"key": "value"}.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="570" />
            <source>Nothing is selected on “{layer}”: select features on the map or untick “Selected features only”.</source>
            <translation>Rien n'est sélectionné sur « {layer} » : sélectionnez des entités sur la carte ou décochez « Entités sélectionnées uniquement ».</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="577" />
            <source>“{layer}” has no features.</source>
            <translation>« {layer} » ne contient aucune entité.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="579" />
            <source>Extra fields: {error}</source>
            <translation>Champs supplémentaires : {error}</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="581" />
            <source>Give the orders a name (a field or an expression).</source>
            <translation>Donnez un nom aux commandes (un champ ou une expression).</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="583" />
            <source>The name expression is not valid.</source>
            <translation>L'expression du nom n'est pas valide.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="584" />
            <source>The per-feature start expression is not valid.</source>
            <translation>L’expression du début par entité n’est pas valide.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="584" />
            <source>The per-feature end expression is not valid.</source>
            <translation>L’expression de la fin par entité n’est pas valide.</translation>
        </message>
    </context>
    <context>
        <name>JobsModel</name>
        <message>
            <location filename="../ui/jobs_panel.py" line="54" />
            <source>Practice</source>
            <translation>Entraînement</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="109" />
            <source>running</source>
            <translation>en cours</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="110" />
            <source>done</source>
            <translation>terminée</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="111" />
            <source>interrupted</source>
            <translation>interrompue</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="112" />
            <source>cancelled</source>
            <translation>annulée</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="113" />
            <source>cancelled, following what was sent</source>
            <translation>annulée, suivi de ce qui a été envoyé</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="114" />
            <source>error</source>
            <translation>erreur</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="123" />
            <source>When (UTC)</source>
            <translation>Date (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="124" />
            <source>State</source>
            <translation>État</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="125" />
            <source>Layer</source>
            <translation>Couche</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="126" />
            <source>Sent to</source>
            <translation>Destination</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="127" />
            <source>Orders</source>
            <translation>Commandes</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="128" />
            <source>Failed</source>
            <translation>Échecs</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="129" />
            <source>Skipped</source>
            <translation>Ignorées</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="134" />
            <source>When the job was submitted, in UTC</source>
            <translation>Date d'envoi de la tâche, en UTC</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="135" />
            <source>running, done, interrupted (QGIS closed), cancelled or error</source>
            <translation>en cours, terminée, interrompue (QGIS fermé), annulée ou erreur</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="136" />
            <source>The layer its features came from</source>
            <translation>La couche d'où proviennent ses entités</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="137" />
            <source>Planet, the practice sandbox or a custom address</source>
            <translation>Planet, le bac à sable d'entraînement ou une adresse personnalisée</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="138" />
            <source>Orders created</source>
            <translation>Commandes créées</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="139" />
            <source>Features the service refused</source>
            <translation>Entités refusées par le service</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="140" />
            <source>Features not sent (no geometry, invalid…)</source>
            <translation>Entités non envoyées (sans géométrie, non valides…)</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="153" />
            <source>(unnamed layer)</source>
            <translation>(couche sans nom)</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="167" />
            <source>Submitted {when} UTC, last change {updated} UTC</source>
            <translation>Envoyée le {when} UTC, dernière modification le {updated} UTC</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="170" />
            <source>{total} feature from layer {layer}</source>
            <translation>{total} entité de la couche {layer}</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="170" />
            <source>{total} features from layer {layer}</source>
            <translation>{total} entités de la couche {layer}</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="175" />
            <source>Sent to {where}</source>
            <translation>Destination : {where}</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="178" />
            <source>Submitted from the current project</source>
            <translation>Envoyée depuis le projet courant</translation>
        </message>
    </context>
    <context>
        <name>JobsPanel</name>
        <message>
            <location filename="../ui/jobs_panel.py" line="215" />
            <source>Every submission is kept on this computer, so jobs outlive QGIS: unfinished ones carry on when QGIS starts again. Jobs in &lt;b&gt;bold&lt;/b&gt; were sent from this project. Select one to see its orders.</source>
            <translation>Chaque envoi est conservé sur cet ordinateur, les tâches survivent donc à QGIS : celles qui ne sont pas terminées reprennent au prochain démarrage de QGIS. Les tâches en &lt;b&gt;gras&lt;/b&gt; ont été envoyées depuis ce projet. Sélectionnez-en une pour voir ses commandes.</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="259" />
            <source>Show orders</source>
            <translation>Afficher les commandes</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="260" />
            <source>Show this job's orders in the Results tab</source>
            <translation>Afficher les commandes de cette tâche dans l'onglet Résultats</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="262" />
            <source>Resume</source>
            <translation>Reprendre</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="263" />
            <source>Carry on sending: bulks already sent are asked about with their own ids, so no feature is ordered twice</source>
            <translation>Poursuivre l'envoi : les lots déjà envoyés sont vérifiés avec leurs propres identifiants, aucune entité n'est donc commandée deux fois</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="270" />
            <source>Forget…</source>
            <translation>Oublier…</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="271" />
            <source>Remove the job from this computer; its orders stay at Planet</source>
            <translation>Supprimer la tâche de cet ordinateur ; ses commandes restent chez Planet</translation>
        </message>
    </context>
    <context>
        <name>OrderChangesDialog</name>
        <message>
            <location filename="../ui/order_dialogs.py" line="51" />
            <source>Fix and resubmit</source>
            <translation>Corriger et renvoyer</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="52" />
            <source>Resend {n} failed or skipped order with these changes. It stays linked to its feature; the earlier attempt stays in the row's history.</source>
            <translation>Renvoyer {n} commande en échec ou ignorée avec ces modifications. Elle reste liée à son entité ; la tentative précédente reste dans l'historique de la ligne.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="52" />
            <source>Resend {n} failed or skipped orders with these changes. They stay linked to their features; the earlier attempts stay in the rows' history.</source>
            <translation>Renvoyer {n} commandes en échec ou ignorées avec ces modifications. Elles restent liées à leurs entités ; les tentatives précédentes restent dans l'historique des lignes.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="64" />
            <source>Edit orders</source>
            <translation>Modifier les commandes</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="65" />
            <source>Change {n} order at Planet. Only ticked values change.</source>
            <translation>Modifier {n} commande chez Planet. Seules les valeurs cochées sont modifiées.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="65" />
            <source>Change {n} orders at Planet. Only ticked values change.</source>
            <translation>Modifier {n} commandes chez Planet. Seules les valeurs cochées sont modifiées.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="76" />
            <source> and {n} more</source>
            <translation> et {n} de plus</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="83" />
            <source>Why: {reasons}</source>
            <translation>Motif : {reasons}</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="88" />
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="92" />
            <source>Select one order to change its name</source>
            <translation>Sélectionnez une seule commande pour modifier son nom</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="95" />
            <source>Start (UTC)</source>
            <translation>Début (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="97" />
            <source>End (UTC)</source>
            <translation>Fin (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="119" />
            <source>Extra fields (JSON object, added to each order)</source>
            <translation>Champs supplémentaires (objet JSON, ajouté à chaque commande)</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="125" />
            <source>Rebuild from the features</source>
            <translation>Reconstruire à partir des entités</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="126" />
            <source>You fixed the features themselves (geometry, attributes): build these orders again from the layer with the job's settings</source>
            <translation>Vous avez corrigé les entités elles-mêmes (géométrie, attributs) : reconstruire ces commandes à partir de la couche avec les paramètres de la tâche</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="141" />
            <source>Resubmit</source>
            <translation>Renvoyer</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="141" />
            <source>Apply</source>
            <translation>Appliquer</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="190" />
            <source>The name is empty.</source>
            <translation>Le nom est vide.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="193" />
            <source>The end must be after the start.</source>
            <translation>La fin doit être postérieure au début.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="198" />
            <source>Extra fields: not valid JSON ({e}).</source>
            <translation>Champs supplémentaires : JSON non valide ({e}).</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="201" />
            <source>Extra fields must be a JSON object.</source>
            <translation>Les champs supplémentaires doivent former un objet JSON.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="203" />
            <source>Nothing to change yet.</source>
            <translation>Rien à modifier pour l'instant.</translation>
        </message>
    </context>
    <context>
        <name>PlanetBulkTasking</name>
        <message>
            <location filename="../ui/result_layer.py" line="247" />
            <source>Planet orders – {layer}</source>
            <translation>Commandes Planet – {layer}</translation>
        </message>
        <message>
            <location filename="../ui/result_layer.py" line="149" />
            <source>Order: {s}</source>
            <translation>Commande : {s}</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="37" />
            <source>PL number {pl}</source>
            <translation>numéro PL {pl}</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="39" />
            <source>product {p}</source>
            <translation>produit {p}</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="40" />
            <source>the default contract of your API key</source>
            <translation>le contrat par défaut de votre clé d'API</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="51" />
            <source>per feature ({expr})</source>
            <translation>par entité ({expr})</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="48" />
            <source>from {start} UTC</source>
            <translation>à partir de {start} UTC</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="52" />
            <source>{start} → {end} UTC</source>
            <translation>{start} → {end} UTC</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="58" />
            <source>Monitoring, {count} captures ({rrule})</source>
            <translation>Surveillance, {count} acquisitions ({rrule})</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="62" />
            <source>Assured</source>
            <translation>Garantie</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="63" />
            <source>Flexible</source>
            <translation>Flexible</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="69" />
            <source>job of {when} UTC: {n}</source>
            <translation>tâche du {when} UTC : {n}</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="73" />
            <source>{n} of these features already has a live order from an earlier job ({jobs}).</source>
            <translation>{n} de ces entités a déjà une commande active issue d'une tâche précédente ({jobs}).</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="73" />
            <source>{n} of these features already have live orders from earlier jobs ({jobs}).</source>
            <translation>{n} de ces entités ont déjà des commandes actives issues de tâches précédentes ({jobs}).</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="83" />
            <source>Send 1 order to {where}?</source>
            <translation>Envoyer 1 commande vers {where} ?</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="83" />
            <source>Send {orders} orders to {where} in 1 bulk request?</source>
            <translation>Envoyer {orders} commandes vers {where} en 1 requête en lot ?</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="83" />
            <source>Send {orders} orders to {where} in {bulks} bulk requests?</source>
            <translation>Envoyer {orders} commandes vers {where} en {bulks} requêtes en lot ?</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="93" />
            <source>Contract: {c}</source>
            <translation>Contrat : {c}</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="94" />
            <source>Window: {w}</source>
            <translation>Fenêtre : {w}</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="95" />
            <source>Scheduling: {s}</source>
            <translation>Planification : {s}</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="98" />
            <source>Skipped before sending: {n}</source>
            <translation>Ignorées avant l'envoi : {n}</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="99" />
            <source>Planet creates real orders, which may be charged.</source>
            <translation>Planet crée de vraies commandes, qui peuvent être facturées.</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="108" />
            <source>Send {n} order</source>
            <translation>Envoyer {n} commande</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="108" />
            <source>Send {n} orders</source>
            <translation>Envoyer {n} commandes</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="116" />
            <source>Leave out the {n} already ordered</source>
            <translation>Exclure les {n} entités déjà commandées</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="117" />
            <source>Don't send</source>
            <translation>Ne pas envoyer</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="130" />
            <source>left out: it already has a live order from the job of {when} UTC</source>
            <translation>exclue : elle a déjà une commande active issue de la tâche du {when} UTC</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="134" />
            <source> (order {id})</source>
            <translation> (commande {id})</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="177" />
            <source>{n} order was not sent</source>
            <translation>{n} commande n'a pas été envoyée</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="177" />
            <source>{n} orders were not sent</source>
            <translation>{n} commandes n'ont pas été envoyées</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="185" />
            <source>Planet had already accepted 1 bulk request ({orders} orders)</source>
            <translation>Planet avait déjà accepté 1 requête en lot ({orders} commandes)</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="185" />
            <source>Planet had already accepted {n} bulk requests ({orders} orders)</source>
            <translation>Planet avait déjà accepté {n} requêtes en lot ({orders} commandes)</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="191" />
            <source>: {created} created so far; the others are being created and followed</source>
            <translation> : {created} créées jusqu'ici ; les autres sont en cours de création et suivies</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="195" />
            <source>: {created} created, {refused} refused</source>
            <translation> : {created} créées, {refused} refusées</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="200" />
            <source>1 bulk request ({orders} orders) was on its way: Planet is asked whether it got it, and it is followed if so</source>
            <translation>1 requête en lot ({orders} commandes) était en cours d'envoi : Planet est interrogé pour savoir s'il l'a reçue, et elle est suivie si c'est le cas</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="200" />
            <source>{n} bulk requests ({orders} orders) were on their way: Planet is asked whether it got them, and they are followed if so</source>
            <translation>{n} requêtes en lot ({orders} commandes) étaient en cours d'envoi : Planet est interrogé pour savoir s'il les a reçues, et elles sont suivies si c'est le cas</translation>
        </message>
        <message>
            <location filename="../ui/sending.py" line="214" />
            <source>Planet accepted nothing: no order was created</source>
            <translation>Planet n'a rien accepté : aucune commande n'a été créée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="37" />
            <source>Ready</source>
            <translation>Prête</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="38" />
            <source>Skipped</source>
            <translation>Ignorée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="39" />
            <source>Submitted</source>
            <translation>Envoyée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="40" />
            <source>Created</source>
            <translation>Créée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="100" />
            <source>Failed</source>
            <translation>Échec</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="90" />
            <source>Received</source>
            <translation>Reçue</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="91" />
            <source>Requested</source>
            <translation>Demandée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="92" />
            <source>Pending</source>
            <translation>En attente</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="93" />
            <source>In progress</source>
            <translation>En cours</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="94" />
            <source>Finalizing</source>
            <translation>En finalisation</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="95" />
            <source>Fulfilled</source>
            <translation>Réalisée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="96" />
            <source>Cancelling</source>
            <translation>Annulation en cours</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="97" />
            <source>Cancelled</source>
            <translation>Annulée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="98" />
            <source>Expired</source>
            <translation>Expirée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="99" />
            <source>Rejected</source>
            <translation>Rejetée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="142" />
            <source>sent</source>
            <translation>envoyée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="143" />
            <source>order created</source>
            <translation>commande créée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="144" />
            <source>refused</source>
            <translation>refusée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="145" />
            <source>edited</source>
            <translation>modifiée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="146" />
            <source>edit refused</source>
            <translation>modification refusée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="147" />
            <source>cancelled</source>
            <translation>annulée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="148" />
            <source>cancel refused</source>
            <translation>annulation refusée</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="158" />
            <source>bulk {id}</source>
            <translation>lot {id}</translation>
        </message>
        <message>
            <location filename="../ui/status.py" line="160" />
            <source>order {id}</source>
            <translation>commande {id}</translation>
        </message>
    </context>
    <context>
        <name>PlanetBulkTaskingDock</name>
        <message>
            <location filename="../ui/dock.py" line="262" />
            <source>Preparing {n} targets…</source>
            <translation>Préparation de {n} cibles…</translation>
        </message>
        <message>
            <location filename="../ui/dock_sending.py" line="92" />
            <source>Preparing the orders of {n} features of layer {layer} was cancelled: nothing was sent.</source>
            <translation>La préparation des commandes de {n} entités de la couche {layer} a été annulée : rien n'a été envoyé.</translation>
        </message>
        <message>
            <location filename="../ui/dock_sending.py" line="100" />
            <source>The orders of {n} features of layer {layer} could not be prepared, nothing was sent: {error}</source>
            <translation>Les commandes de {n} entités de la couche {layer} n'ont pas pu être préparées, rien n'a été envoyé : {error}</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="357" />
            <source>Forget the job of {when} UTC (layer {layer}, {n} order(s))? It is removed from this computer only: its orders stay at Planet.</source>
            <translation>Oublier la tâche du {when} UTC (couche {layer}, {n} commande(s)) ? Elle est supprimée de cet ordinateur uniquement : ses commandes restent chez Planet.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1031" />
            <source>Planet Bulk Tasking</source>
            <translation>Planet Bulk Tasking</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="129" />
            <source>&lt;b&gt;Practice mode&lt;/b&gt;: orders go to a simulator on this computer. Nothing is sent to Planet and no real orders are created.</source>
            <translation>&lt;b&gt;Mode entraînement&lt;/b&gt; : les commandes partent vers un simulateur sur cet ordinateur. Rien n'est envoyé à Planet et aucune vraie commande n'est créée.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="172" />
            <source>Preview</source>
            <translation>Aperçu</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="173" />
            <source>Build the orders and show them; sends nothing</source>
            <translation>Construire les commandes et les afficher ; rien n'est envoyé</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="174" />
            <source>Submit orders</source>
            <translation>Envoyer les commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="180" />
            <source>Compose</source>
            <translation>Composition</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="184" />
            <source>Results</source>
            <translation>Résultats</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="186" />
            <source>Jobs</source>
            <translation>Tâches</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="188" />
            <source>Settings</source>
            <translation>Paramètres</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="282" />
            <source>Orders are being sent: wait for the end, or cancel.</source>
            <translation>Envoi des commandes en cours : attendez la fin, ou annulez.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="307" />
            <source>… and {n} more</source>
            <translation>… et {n} de plus</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="312" />
            <source>Ready to send {n} feature to {where}.</source>
            <translation>Prêt à envoyer {n} entité vers {where}.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="312" />
            <source>Ready to send {n} features to {where}.</source>
            <translation>Prêt à envoyer {n} entités vers {where}.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="487" />
            <source>Nothing to send</source>
            <translation>Rien à envoyer</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="395" />
            <source>The only target was skipped: see the preview for why.</source>
            <translation>La seule cible a été ignorée : l'aperçu en donne la raison.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="395" />
            <source>All {n} targets were skipped: see the preview for why.</source>
            <translation>Les {n} cibles ont toutes été ignorées : l'aperçu en donne la raison.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="409" />
            <source>Practice sandbox</source>
            <translation>Bac à sable d'entraînement</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="409" />
            <source>The practice sandbox could not start: {error}</source>
            <translation>Le bac à sable d'entraînement n'a pas pu démarrer : {error}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="429" />
            <source>Sending {orders} orders to {where} in 1 bulk request…</source>
            <translation>Envoi de {orders} commandes vers {where} en 1 requête en lot…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="429" />
            <source>Sending {orders} orders to {where} in {bulks} bulk requests…</source>
            <translation>Envoi de {orders} commandes vers {where} en {bulks} requêtes en lot…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="440" />
            <source>The job could not be saved, nothing was sent: {error}</source>
            <translation>La tâche n'a pas pu être enregistrée, rien n'a été envoyé : {error}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="448" />
            <source>This was sent (job of {when} UTC): preview again before sending more.</source>
            <translation>Envoi effectué (tâche du {when} UTC) : relancez l'aperçu avant tout nouvel envoi.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="481" />
            <source>Send orders to Planet?</source>
            <translation>Envoyer les commandes à Planet ?</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="487" />
            <source>The only feature already has a live order: nothing was sent.</source>
            <translation>La seule entité a déjà une commande active : rien n'a été envoyé.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="487" />
            <source>All {n} features already have live orders: nothing was sent.</source>
            <translation>Les {n} entités ont toutes déjà une commande active : rien n'a été envoyé.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="499" />
            <source>Not sent</source>
            <translation>Commandes non envoyées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="499" />
            <source>Nothing was sent.</source>
            <translation>Rien n'a été envoyé.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="544" />
            <source>&lt;b&gt;Sending cancelled&lt;/b&gt;: {text}</source>
            <translation>&lt;b&gt;Envoi annulé&lt;/b&gt; : {text}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="562" />
            <source>Cancel the order of the bulk request Planet accepted?</source>
            <translation>Annuler la commande de la requête en lot acceptée par Planet ?</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="562" />
            <source>Cancel the {n} orders of the bulk requests Planet accepted?</source>
            <translation>Annuler les {n} commandes des requêtes en lot acceptées par Planet ?</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="567" />
            <source>{created} are created now and are cancelled at once; the others are cancelled as soon as Planet creates them. Cancelling an order that starts within 24 hours may be charged. This cannot be undone.</source>
            <translation>{created} sont déjà créées et sont annulées immédiatement ; les autres sont annulées dès que Planet les crée. L'annulation d'une commande qui commence dans moins de 24 heures peut être facturée. Cette action est irréversible.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1265" />
            <source>Cancel orders</source>
            <translation>Annuler les commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="576" />
            <source>Cancelling the orders Planet accepted ({n})…</source>
            <translation>Annulation des commandes acceptées par Planet ({n})…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="615" />
            <source>The job of {when} UTC (layer {layer}) was left unfinished when QGIS closed: it carries on now; nothing is sent twice.</source>
            <translation>La tâche du {when} UTC (couche {layer}) était inachevée à la fermeture de QGIS : elle reprend maintenant ; rien n'est envoyé deux fois.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="615" />
            <source>{n} jobs were left unfinished when QGIS closed (e.g. the job of {when} UTC, layer {layer}): they carry on now; nothing is sent twice.</source>
            <translation>{n} tâches étaient inachevées à la fermeture de QGIS (par exemple la tâche du {when} UTC, couche {layer}) : elles reprennent maintenant ; rien n'est envoyé deux fois.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="626" />
            <source>Jobs resumed</source>
            <translation>Tâches reprises</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="928" />
            <source>Show</source>
            <translation>Afficher</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="668" />
            <source>Cancelled job</source>
            <translation>Tâche annulée</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="846" />
            <source>Cancel these orders</source>
            <translation>Annuler ces commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="692" />
            <source>{what}, retrying {n}/{limit}…</source>
            <translation>{what}, nouvelle tentative {n}/{limit}…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="718" />
            <source>{accepted} of 1 bulk request accepted; waiting for Planet to create the orders…</source>
            <translation>{accepted} requête en lot acceptée sur 1 ; en attente de la création des commandes par Planet…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="718" />
            <source>{accepted} of {chunks} bulk requests accepted; waiting for Planet to create the orders…</source>
            <translation>{accepted} requêtes en lot acceptées sur {chunks} ; en attente de la création des commandes par Planet…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="737" />
            <source> {n} results read.</source>
            <translation> {n} résultats lus.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="739" />
            <source> The server asked to wait: {used:.0f} s so far (at most {limit:.0f} s).</source>
            <translation> Le serveur a demandé d’attendre : {used:.0f} s jusqu’ici (au plus {limit:.0f} s).</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="756" />
            <source>nothing was created</source>
            <translation>aucune commande créée</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="758" />
            <source>{n} orders created</source>
            <translation>{n} commandes créées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="760" />
            <source>{n} failed</source>
            <translation>{n} en échec</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="762" />
            <source>{n} skipped</source>
            <translation>{n} ignorée(s)</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="764" />
            <source>{n} not sent</source>
            <translation>{n} non envoyée(s)</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="766" />
            <source>{n} sent but not confirmed (still followed)</source>
            <translation>{n} envoyée(s) mais non confirmée(s) (toujours suivie(s))</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="776" />
            <source>the API key from the {env} environment variable</source>
            <translation>la clé d'API de la variable d'environnement {env}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="777" />
            <source>the API key of the authentication configuration “{cfg}”</source>
            <translation>la clé d'API de la configuration d'authentification « {cfg} »</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="780" />
            <source>the practice sandbox's key</source>
            <translation>la clé du bac à sable d'entraînement</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="781" />
            <source>the API key</source>
            <translation>la clé d'API</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="783" />
            <source>change {env} and restart QGIS, or choose a configuration in Settings</source>
            <translation>modifiez {env} et redémarrez QGIS, ou choisissez une configuration dans les Paramètres</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="783" />
            <source>check it in Settings</source>
            <translation>vérifiez-la dans les Paramètres</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="788" />
            <source>Planet refused {where} (401, not valid): {fix}</source>
            <translation>Planet a refusé {where} (401, non valide) : {fix}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="792" />
            <source>Planet accepted {where} but it may not task (403): tasking needs a contract that includes it</source>
            <translation>Planet a accepté {where}, mais cette clé n'a pas le droit de programmer des acquisitions (403) : il faut un contrat qui inclut la programmation</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="809" />
            <source>Sending cancelled</source>
            <translation>Envoi annulé</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="820" />
            <source>Sending stopped</source>
            <translation>Envoi interrompu</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="828" />
            <source>Orders sent</source>
            <translation>Commandes envoyées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="836" />
            <source>&lt;b&gt;{title}&lt;/b&gt; ({time} UTC): {text}.</source>
            <translation>&lt;b&gt;{title}&lt;/b&gt; ({time} UTC) : {text}.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="842" />
            <source>Job of {when} UTC (layer {layer}): {text}</source>
            <translation>Tâche du {when} UTC (couche {layer}) : {text}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="854" />
            <source>Show failed</source>
            <translation>Afficher les échecs</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="895" />
            <source>{n} order {word}</source>
            <translation>{word} : {n} commande</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="895" />
            <source>{n} orders {word}</source>
            <translation>{word} : {n} commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="901" />
            <source>{n} {word}</source>
            <translation>{word} : {n}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="924" />
            <source>job of {when} UTC ({layer})</source>
            <translation>tâche du {when} UTC ({layer})</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="928" />
            <source>Orders updated</source>
            <translation>Commandes mises à jour</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="975" />
            <source>Job of {when} UTC · layer {layer} · sent to {where} · {state}</source>
            <translation>Tâche du {when} UTC · couche {layer} · destination {where} · {state}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="994" />
            <source>Layer “{layer}” is not in the project: the orders are shown without links to its features. Add the layer again to restore them.</source>
            <translation>La couche « {layer} » n'est pas dans le projet : les commandes sont affichées sans lien vers ses entités. Ajoutez de nouveau la couche pour rétablir ces liens.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1013" />
            <source>Could not resume</source>
            <translation>Reprise impossible</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1026" />
            <source>Forget job</source>
            <translation>Oublier la tâche</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1031" />
            <source>The job is still running: cancel it first.</source>
            <translation>La tâche est toujours en cours : annulez-la d'abord.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1040" />
            <source>No job selected.</source>
            <translation>Aucune tâche sélectionnée.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1106" />
            <source>Fix and resubmit</source>
            <translation>Corriger et renvoyer</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1074" />
            <source>Select failed or skipped rows first.</source>
            <translation>Sélectionnez d'abord des lignes en échec ou ignorées.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1081" />
            <source>The job is still sending: wait for it or cancel it first.</source>
            <translation>La tâche est encore en cours d'envoi : attendez qu'elle se termine ou annulez-la d'abord.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1096" />
            <source>Some rows were not resent</source>
            <translation>Certaines lignes n'ont pas été renvoyées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1110" />
            <source>Resending {n} order…</source>
            <translation>Renvoi de {n} commande…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1110" />
            <source>Resending {n} orders…</source>
            <translation>Renvoi de {n} commandes…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1129" />
            <source>Layer “{layer}” is not in the project: cannot rebuild.</source>
            <translation>La couche « {layer} » n'est pas dans le projet : reconstruction impossible.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1148" />
            <source>{label}: the feature is gone</source>
            <translation>{label} : l'entité n'existe plus</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1155" />
            <source>{label}: nothing to resend ({why}); fix the feature and use “Rebuild from the features”</source>
            <translation>{label} : rien à renvoyer ({why}) ; corrigez l'entité et utilisez « Reconstruire à partir des entités »</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1176" />
            <source>Not sent yet.</source>
            <translation>Pas encore envoyée.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1180" />
            <source>History</source>
            <translation>Historique</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1224" />
            <source>Edit orders</source>
            <translation>Modifier les commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1257" />
            <source>Select rows with orders first.</source>
            <translation>Sélectionnez d'abord des lignes qui ont une commande.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1211" />
            <source>name</source>
            <translation>nom</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1212" />
            <source>start (UTC)</source>
            <translation>début (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1213" />
            <source>end (UTC)</source>
            <translation>fin (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1218" />
            <source>Change {n} order at Planet: {what}?</source>
            <translation>Modifier {n} commande chez Planet : {what} ?</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1218" />
            <source>Change {n} orders at Planet: {what}?</source>
            <translation>Modifier {n} commandes chez Planet : {what} ?</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1226" />
            <source>Editing {n} order…</source>
            <translation>Modification de {n} commande…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1226" />
            <source>Editing {n} orders…</source>
            <translation>Modification de {n} commandes…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1237" />
            <source>Cancel {n} order at Planet? This cannot be undone.</source>
            <translation>Annuler {n} commande chez Planet ? Cette action est irréversible.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1237" />
            <source>Cancel {n} orders at Planet? This cannot be undone.</source>
            <translation>Annuler {n} commandes chez Planet ? Cette action est irréversible.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1243" />
            <source>{m} of them start within 24 hours: cancelling them may be charged.</source>
            <translation>{m} d'entre elles commencent dans moins de 24 heures : leur annulation peut être facturée.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1247" />
            <source>{m} of them are already finished (fulfilled, expired or cancelled): Planet will refuse to cancel those.</source>
            <translation>{m} d'entre elles sont déjà terminées (réalisées, expirées ou annulées) : Planet refusera de les annuler.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1267" />
            <source>Cancelling {n} order…</source>
            <translation>Annulation de {n} commande…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1267" />
            <source>Cancelling {n} orders…</source>
            <translation>Annulation de {n} commandes…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1285" />
            <source>{n} order changed</source>
            <translation>{n} commande modifiée</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1285" />
            <source>{n} orders changed</source>
            <translation>{n} commandes modifiées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1288" />
            <source>Orders edited</source>
            <translation>Commandes modifiées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1290" />
            <source>{n} order cancelled</source>
            <translation>{n} commande annulée</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1290" />
            <source>{n} orders cancelled</source>
            <translation>{n} commandes annulées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1293" />
            <source>Orders cancelled</source>
            <translation>Commandes annulées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1296" />
            <source>{n} refused (e.g. {label}: {reason})</source>
            <translation>{n} refusée(s) (par exemple {label} : {reason})</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1304" />
            <source>Show refused</source>
            <translation>Afficher les refus</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1324" />
            <source>Edit failed</source>
            <translation>Échec de la modification</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="1324" />
            <source>Cancel failed</source>
            <translation>Échec de l'annulation</translation>
        </message>
    </context>
    <context>
        <name>PlanetBulkTaskingPlugin</name>
        <message>
            <location filename="../plugin.py" line="113" />
            <source>Planet Bulk Tasking</source>
            <translation>Planet Bulk Tasking</translation>
        </message>
        <message>
            <location filename="../plugin.py" line="71" />
            <source>Submit the selected features as Planet tasking orders</source>
            <translation>Envoyer les entités sélectionnées comme commandes de programmation Planet</translation>
        </message>
    </context>
    <context>
        <name>PlanetBulkTaskingProcessing</name>
        <message>
            <location filename="../processing/engine.py" line="134" />
            <source>Endpoint: planet, practice (built-in sandbox) or a URL</source>
            <translation>Point d'accès : planet, practice (bac à sable intégré) ou une URL</translation>
        </message>
        <message>
            <location filename="../processing/engine.py" line="141" />
            <source>Authentication (default: PL_API_KEY)</source>
            <translation>Authentification (par défaut : PL_API_KEY)</translation>
        </message>
    </context>
    <context>
        <name>PreviewPanel</name>
        <message>
            <location filename="../ui/preview_panel.py" line="51" />
            <source>Preview</source>
            <translation>Aperçu</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="54" />
            <source>Click Preview to see what would be sent, before anything is sent.</source>
            <translation>Cliquez sur Aperçu pour voir ce qui serait envoyé, avant tout envoi.</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="66" />
            <source>Skipped features (click one to zoom to it):</source>
            <translation>Entités ignorées (cliquez sur l'une d'elles pour zoomer dessus) :</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="99" />
            <source>{features} features → {orders} orders in 1 bulk request</source>
            <translation>{features} entités → {orders} commandes en 1 requête en lot</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="99" />
            <source>{features} features → {orders} orders in {bulks} bulk requests</source>
            <translation>{features} entités → {orders} commandes en {bulks} requêtes en lot</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="105" />
            <source>; &lt;b&gt;{skipped} skipped&lt;/b&gt;</source>
            <translation> ; &lt;b&gt;{skipped} ignorée(s)&lt;/b&gt;</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="107" />
            <source>{n} name is used by more than one order (sent anyway): “{name}”.</source>
            <translation>{n} nom est utilisé par plusieurs commandes (envoyées malgré tout) : « {name} ».</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="107" />
            <source>{n} names are used by more than one order (sent anyway), e.g. “{name}”.</source>
            <translation>{n} noms sont utilisés par plusieurs commandes (envoyées malgré tout), par exemple « {name} ».</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="148" />
            <source>The form changed since: preview again.</source>
            <translation>Le formulaire a changé depuis : relancez l'aperçu.</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="125" />
            <source>… and {n} more (see the Results tab after sending)</source>
            <translation>… et {n} de plus (voir l'onglet Résultats après l'envoi)</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="134" />
            <source>The first order payload, exactly as sent:</source>
            <translation>Contenu de la première commande, exactement tel qu'il est envoyé :</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="134" />
            <source>The first {n} order payloads, exactly as sent:</source>
            <translation>Contenu des {n} premières commandes, exactement tel qu'il est envoyé :</translation>
        </message>
    </context>
    <context>
        <name>ProgressPanel</name>
        <message>
            <location filename="../ui/progress_panel.py" line="33" />
            <source>No submission yet.</source>
            <translation>Aucun envoi pour l'instant.</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="35" />
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="38" />
            <source>Stop sending and following up. Orders Planet has already accepted are not cancelled.</source>
            <translation>Arrêter l'envoi et le suivi. Les commandes déjà acceptées par Planet ne sont pas annulées.</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="52" />
            <source>%v of %m done</source>
            <translation>%v sur %m terminé(s)</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="58" />
            <source>Total</source>
            <translation>Total</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="58" />
            <source>Processing</source>
            <translation>En cours</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="58" />
            <source>Created</source>
            <translation>Créées</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="58" />
            <source>Failed</source>
            <translation>Échecs</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="58" />
            <source>Skipped</source>
            <translation>Ignorées</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="58" />
            <source>Not sent</source>
            <translation>Non envoyées</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="76" />
            <source>Orders Planet created. What became of them (rejected, fulfilled…) is counted under “At Planet”.</source>
            <translation>Commandes créées par Planet. Ce qu'elles sont devenues (rejetées, réalisées…) est compté sous « Chez Planet ».</translation>
        </message>
    </context>
    <context>
        <name>RefreshOrdersAlgorithm</name>
        <message>
            <location filename="../processing/refresh_orders.py" line="60" />
            <source>Refresh order status</source>
            <translation>Actualiser le statut des commandes</translation>
        </message>
        <message>
            <location filename="../processing/refresh_orders.py" line="63" />
            <source>Reads the current status of the orders listed in a layer's 'order_id' field (for example the output of 'Submit tasking orders') and writes the same features with order_status, capture_count and order_updated (UTC). Features without an order id are kept with empty values; an order the service does not know is said so in order_error. Nothing is changed at Planet.</source>
            <translation>Lit le statut actuel des commandes listées dans le champ « order_id » d'une couche (par exemple la sortie de « Envoyer des commandes de programmation ») et écrit les mêmes entités avec order_status, capture_count et order_updated (UTC). Les entités sans ID de commande sont conservées avec des valeurs vides ; une commande inconnue du service est signalée dans order_error. Rien n'est modifié chez Planet.</translation>
        </message>
        <message>
            <location filename="../processing/refresh_orders.py" line="72" />
            <source>Layer with an order_id field</source>
            <translation>Couche avec un champ order_id</translation>
        </message>
        <message>
            <location filename="../processing/refresh_orders.py" line="80" />
            <source>Orders with current status</source>
            <translation>Commandes avec leur statut actuel</translation>
        </message>
    </context>
    <context>
        <name>ResultsModel</name>
        <message>
            <location filename="../ui/results_model.py" line="159" />
            <source>Feature id</source>
            <translation>ID de l'entité</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="160" />
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="161" />
            <source>Status</source>
            <translation>Statut</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="162" />
            <source>Order status</source>
            <translation>Statut de la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="163" />
            <source>Error</source>
            <translation>Erreur</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="164" />
            <source>Order id</source>
            <translation>ID de la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="165" />
            <source>Captures</source>
            <translation>Acquisitions</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="166" />
            <source>Updated (UTC)</source>
            <translation>Mise à jour (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="167" />
            <source>Warnings</source>
            <translation>Avertissements</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="172" />
            <source>The feature's id in its layer (and the part, for multipart features)</source>
            <translation>L'ID de l'entité dans sa couche (et la partie, pour les entités multiparties)</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="173" />
            <source>The order's name</source>
            <translation>Le nom de la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="174" />
            <source>Whether the order was created</source>
            <translation>Si la commande a été créée</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="175" />
            <source>Where the order stands at Planet (checked regularly)</source>
            <translation>L'état de la commande chez Planet (vérifié régulièrement)</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="176" />
            <source>Why it was skipped or refused</source>
            <translation>Pourquoi elle a été ignorée ou refusée</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="177" />
            <source>The order id Planet gave it</source>
            <translation>L'ID de commande attribué par Planet</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="178" />
            <source>How many captures were published for the order</source>
            <translation>Le nombre d'acquisitions publiées pour la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="179" />
            <source>When Planet last changed the order, in UTC</source>
            <translation>La date de la dernière modification de la commande par Planet, en UTC</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="180" />
            <source>Sent anyway, but worth a look (e.g. a name used twice)</source>
            <translation>Envoyée malgré tout, mais à vérifier (par exemple un nom utilisé deux fois)</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="194" />
            <source>{fid} (part {part})</source>
            <translation>{fid} (partie {part})</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="200" />
            <source>Not sent</source>
            <translation>Non envoyée</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="268" />
            <source>History:</source>
            <translation>Historique :</translation>
        </message>
    </context>
    <context>
        <name>ResultsPanel</name>
        <message>
            <location filename="../ui/results_panel.py" line="88" />
            <source>All</source>
            <translation>Toutes</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="88" />
            <source>Failed</source>
            <translation>Échecs</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="88" />
            <source>Created</source>
            <translation>Créées</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="88" />
            <source>Skipped</source>
            <translation>Ignorées</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="88" />
            <source>Refused</source>
            <translation>Refusées</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="105" />
            <source>Orders whose last edit or cancel Planet refused</source>
            <translation>Commandes dont Planet a refusé la dernière modification ou annulation</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="109" />
            <source>Rows whose order Planet created, whatever became of it since</source>
            <translation>Lignes dont Planet a créé la commande, quel que soit son devenir depuis</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="115" />
            <source>Filter by name, feature id, order id or error</source>
            <translation>Filtrer par nom, ID d'entité, ID de commande ou erreur</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="125" />
            <source>At Planet:</source>
            <translation>Chez Planet :</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="126" />
            <source>Where the created orders stand at Planet (checked regularly)</source>
            <translation>L'état des commandes créées chez Planet (vérifié régulièrement)</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="172" />
            <source>Select rows to select their features; double-click to zoom to one. Right-click for fix and resubmit, edit, cancel and history.</source>
            <translation>Sélectionnez des lignes pour sélectionner leurs entités ; double-cliquez pour zoomer sur l'une d'elles. Clic droit pour corriger et renvoyer, modifier, annuler et voir l'historique.</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="186" />
            <source>Orders</source>
            <translation>Commandes</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="187" />
            <source>Fix and resubmit, edit or cancel the selected rows' orders</source>
            <translation>Corriger et renvoyer, modifier ou annuler les commandes des lignes sélectionnées</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="198" />
            <source>Result layer</source>
            <translation>Couche de résultats</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="199" />
            <source>Add the orders to the map, coloured by status</source>
            <translation>Ajouter les commandes à la carte, colorées selon leur statut</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="205" />
            <source>Export</source>
            <translation>Exporter</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="209" />
            <source>Table as CSV…</source>
            <translation>Table au format CSV…</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="210" />
            <source>Orders as GeoPackage (with geometry)…</source>
            <translation>Commandes au format GeoPackage (avec géométrie)…</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="394" />
            <source>Planet Bulk Tasking</source>
            <translation>Planet Bulk Tasking</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="386" />
            <source>The layer these orders came from is no longer in the project.</source>
            <translation>La couche d'où proviennent ces commandes n'est plus dans le projet.</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="394" />
            <source>Nothing to zoom to: feature {fid} has no geometry.</source>
            <translation>Rien sur quoi zoomer : l'entité {fid} n'a pas de géométrie.</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="428" />
            <source>Export results as CSV</source>
            <translation>Exporter les résultats en CSV</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="428" />
            <source>CSV files (*.csv)</source>
            <translation>Fichiers CSV (*.csv)</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="456" />
            <source>Export failed</source>
            <translation>Échec de l'export</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="458" />
            <source>Exported</source>
            <translation>Export terminé</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="438" />
            <source>{n} rows written to {path}</source>
            <translation>{n} lignes écrites dans {path}</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="449" />
            <source>Export orders as GeoPackage</source>
            <translation>Exporter les commandes en GeoPackage</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="449" />
            <source>GeoPackage (*.gpkg)</source>
            <translation>GeoPackage (*.gpkg)</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="458" />
            <source>{n} orders written to {path}</source>
            <translation>{n} commandes écrites dans {path}</translation>
        </message>
    </context>
    <context>
        <name>ResultsView</name>
        <message>
            <location filename="../ui/results_view.py" line="154" />
            <source>Zoom to feature(s)</source>
            <translation>Zoomer sur les entités</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="158" />
            <source>Copy order id</source>
            <translation>Copier l'ID de la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="158" />
            <source>Copy order ids</source>
            <translation>Copier les ID des commandes</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="162" />
            <source>Open in Tasking Dashboard</source>
            <translation>Ouvrir dans le Tasking Dashboard</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="164" />
            <source>Opens the order page in your web browser</source>
            <translation>Ouvre la page de la commande dans votre navigateur web</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="168" />
            <source>History…</source>
            <translation>Historique…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="172" />
            <source>Add result layer to map</source>
            <translation>Ajouter la couche de résultats à la carte</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="174" />
            <source>Export table as CSV…</source>
            <translation>Exporter la table en CSV…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="176" />
            <source>Export as GeoPackage…</source>
            <translation>Exporter en GeoPackage…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="189" />
            <source>Fix and resubmit…</source>
            <translation>Corriger et renvoyer…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="191" />
            <source>Change the failed or skipped orders and send them again</source>
            <translation>Modifier les commandes en échec ou ignorées et les renvoyer</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="193" />
            <source>Edit orders…</source>
            <translation>Modifier les commandes…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="196" />
            <source>Cancel orders…</source>
            <translation>Annuler les commandes…</translation>
        </message>
    </context>
    <context>
        <name>SettingsPanel</name>
        <message>
            <location filename="../ui/settings_panel.py" line="68" />
            <source>Where orders go</source>
            <translation>Destination des commandes</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="71" />
            <source>Planet Tasking API</source>
            <translation>API Planet Tasking</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="73" />
            <source>Practice (local sandbox)</source>
            <translation>Entraînement (bac à sable local)</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="74" />
            <source>Custom address</source>
            <translation>Adresse personnalisée</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="81" />
            <source>A simulator on this computer: no real orders, no key needed.</source>
            <translation>Un simulateur sur cet ordinateur : aucune vraie commande, aucune clé nécessaire.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="95" />
            <source>API key</source>
            <translation>Clé d'API</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="99" />
            <source>Store your Planet API key in QGIS's authentication database: Basic authentication with the key as user name and an empty password. Without one, the {env} environment variable is used.</source>
            <translation>Enregistrez votre clé d'API Planet dans la base d'authentification de QGIS : authentification Basic avec la clé comme nom d'utilisateur et un mot de passe vide. À défaut, la variable d'environnement {env} est utilisée.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="114" />
            <source>New orders</source>
            <translation>Nouvelles commandes</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="116" />
            <source>Default window</source>
            <translation>Fenêtre par défaut</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="119" />
            <source> days</source>
            <translation> jours</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="120" />
            <source>How long an order's window lasts when you give no end time. Planet's Dashboard asks flexible orders for at least 14 days.</source>
            <translation>Durée de la fenêtre d'une commande quand aucune heure de fin n'est donnée. Le tableau de bord de Planet demande au moins 14 jours pour les commandes flexibles.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="131" />
            <source>Test connection</source>
            <translation>Tester la connexion</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="212" />
            <source>Enter the custom API address in Settings.</source>
            <translation>Saisissez l'adresse de l'API personnalisée dans les Paramètres.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="239" />
            <source>the practice sandbox</source>
            <translation>le bac à sable d'entraînement</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="242" />
            <source>Planet</source>
            <translation>Planet</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="277" />
            <source>No API key: choose an authentication configuration in Settings (or set {env}), or use practice mode.</source>
            <translation>Aucune clé d'API : choisissez une configuration d'authentification dans les Paramètres (ou définissez {env}), ou utilisez le mode entraînement.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="298" />
            <source>Practice mode uses the sandbox's own key.</source>
            <translation>Le mode entraînement utilise la clé propre au bac à sable.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="299" />
            <source>Using the key from the chosen authentication configuration.</source>
            <translation>Utilisation de la clé de la configuration d'authentification choisie.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="300" />
            <source>Using the key from the {env} environment variable.</source>
            <translation>Utilisation de la clé de la variable d'environnement {env}.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="303" />
            <source>No key configured.</source>
            <translation>Aucune clé configurée.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="317" />
            <source>Contacting {where}…</source>
            <translation>Connexion en cours avec {where}…</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="340" />
            <source>Valid</source>
            <translation>Valide</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="341" />
            <source>Invalid</source>
            <translation>Non valide</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="342" />
            <source>Not allowed to task</source>
            <translation>Programmation non autorisée</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="343" />
            <source>Unreachable</source>
            <translation>Injoignable</translation>
        </message>
    </context>
    <context>
        <name>SubmitOrdersAlgorithm</name>
        <message>
            <location filename="../processing/submit_orders.py" line="109" />
            <source>Submit tasking orders</source>
            <translation>Envoyer des commandes de programmation</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="112" />
            <source>Turns the features of a vector layer into Planet tasking orders, sent through the Tasking API's /bulk endpoint (at most 1000 orders per request), with the same engine as the plugin's dock: the job is saved before the first request and shows in the dock's Jobs tab.

Use Processing's 'Selected features only' option to send a selection. Times are in UTC (a time without a zone is taken as UTC); by default the window starts in 25 hours and lasts the dock's default window (14 days unless changed). ENDPOINT: 'planet' (default), 'practice' for the built-in sandbox (no real orders), or a URL. Credentials: AUTHCFG (any QGIS authentication configuration), else the PL_API_KEY environment variable.

Features that cannot make an order are skipped with a reason, never fatal. Cancelling stops sending at once; bulk requests the service already accepted cannot be taken back by cancelling and are followed. The output has one feature per order (per part of a split multipart feature) with its order id and status.</source>
            <translation>Transforme les entités d'une couche vecteur en commandes de programmation Planet, envoyées par le point d'accès /bulk de l'API Tasking (1000 commandes au plus par requête), avec le même moteur que le panneau de l'extension : la tâche est enregistrée avant la première requête et apparaît dans l'onglet Tâches du panneau.

Utilisez l'option « Entités sélectionnées uniquement » des Traitements pour envoyer une sélection. Les heures sont en UTC (une heure sans fuseau horaire est considérée comme UTC) ; par défaut, la fenêtre commence dans 25 heures et dure la fenêtre par défaut du panneau (14 jours sauf modification). ENDPOINT : « planet » (par défaut), « practice » pour le bac à sable intégré (aucune vraie commande) ou une URL. Identifiants : AUTHCFG (toute configuration d'authentification QGIS), sinon la variable d'environnement PL_API_KEY.

Les entités qui ne peuvent pas donner de commande sont ignorées avec un motif, sans jamais faire échouer l'algorithme. L'annulation arrête immédiatement l'envoi ; les requêtes en lot déjà acceptées par le service ne peuvent pas être reprises par l'annulation et restent suivies. La sortie contient une entité par commande (par partie d'une entité multipartie découpée) avec son ID de commande et son statut.</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="132" />
            <source>Targets</source>
            <translation>Cibles</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="139" />
            <source>Order name (expression; default: the name field, else layer and id)</source>
            <translation>Nom de la commande (expression ; par défaut : le champ name, sinon la couche et l'ID)</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="147" />
            <source>Start time (UTC; default: in 25 hours)</source>
            <translation>Heure de début (UTC ; par défaut : dans 25 heures)</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="147" />
            <source>End time (UTC; default: start + the default window, 14 days)</source>
            <translation>Heure de fin (UTC ; par défaut : début + la fenêtre par défaut, 14 jours)</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="162" />
            <source>Scheduling</source>
            <translation>Planification</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="162" />
            <source>Flexible</source>
            <translation>Flexible</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="162" />
            <source>Monitoring</source>
            <translation>Surveillance</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="170" />
            <source>Monitoring cadence</source>
            <translation>Cadence de surveillance</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="170" />
            <source>Daily</source>
            <translation>Quotidienne</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="170" />
            <source>Weekly</source>
            <translation>Hebdomadaire</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="170" />
            <source>Monthly</source>
            <translation>Mensuelle</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="178" />
            <source>Monitoring: number of captures</source>
            <translation>Surveillance : nombre d'acquisitions</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="188" />
            <source>PL number (default: the key's contract)</source>
            <translation>Numéro PL (par défaut : le contrat de la clé)</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="188" />
            <source>Product (default: the key's contract)</source>
            <translation>Produit (par défaut : celui du contrat de la clé)</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="195" />
            <source>Extra order fields (JSON object)</source>
            <translation>Champs de commande supplémentaires (objet JSON)</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="201" />
            <source>Wait until every bulk request is complete</source>
            <translation>Attendre la fin de toutes les requêtes en lot</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="206" />
            <source>Orders</source>
            <translation>Commandes</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="213" />
            <source>Job id</source>
            <translation>ID de la tâche</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="214" />
            <source>Orders created</source>
            <translation>Commandes créées</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="215" />
            <source>Orders refused</source>
            <translation>Commandes refusées</translation>
        </message>
        <message>
            <location filename="../processing/submit_orders.py" line="216" />
            <source>Features skipped</source>
            <translation>Entités ignorées</translation>
        </message>
    </context>
</TS>
