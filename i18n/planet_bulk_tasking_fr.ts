<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
    <context>
        <name>ComposePanel</name>
        <message>
            <location filename="../ui/compose_panel.py" line="72" />
            <source>Features</source>
            <translation>Entités</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="77" />
            <source>The layer whose features become orders</source>
            <translation>La couche dont les entités deviennent des commandes</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="78" />
            <source>Layer</source>
            <translation>Couche</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="80" />
            <source>Selected features only</source>
            <translation>Entités sélectionnées uniquement</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="91" />
            <source>Orders</source>
            <translation>Commandes</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="95" />
            <source>Order name</source>
            <translation>Nom de la commande</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="96" />
            <source>A field or an expression giving each order's name</source>
            <translation>Un champ ou une expression qui donne le nom de chaque commande</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="97" />
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="102" />
            <source>Start (UTC)</source>
            <translation>Début (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="103" />
            <source>End (UTC)</source>
            <translation>Fin (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="107" />
            <source>Flexible</source>
            <translation>Flexible</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="108" />
            <source>Monitoring (repeated captures)</source>
            <translation>Surveillance (acquisitions répétées)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="109" />
            <source>Scheduling</source>
            <translation>Planification</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="115" />
            <source>Daily</source>
            <translation>jour(s)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="115" />
            <source>Weekly</source>
            <translation>semaine(s)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="115" />
            <source>Monthly</source>
            <translation>mois</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="123" />
            <source>every</source>
            <translation>intervalle</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="128" />
            <source>Repeat</source>
            <translation>Répétition</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="132" />
            <source> captures</source>
            <translation> acquisitions</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="133" />
            <source>Count</source>
            <translation>Nombre</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="135" />
            <source>Any day</source>
            <translation>N'importe quel jour</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="136" />
            <source>Monday</source>
            <translation>Lundi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="136" />
            <source>Tuesday</source>
            <translation>Mardi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="136" />
            <source>Wednesday</source>
            <translation>Mercredi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="136" />
            <source>Thursday</source>
            <translation>Jeudi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="136" />
            <source>Friday</source>
            <translation>Vendredi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="136" />
            <source>Saturday</source>
            <translation>Samedi</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="136" />
            <source>Sunday</source>
            <translation>Dimanche</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="149" />
            <source>Weekday</source>
            <translation>Jour de la semaine</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="150" />
            <source>Monitoring orders take points and lines only; the end time is not used.</source>
            <translation>Les commandes de surveillance n'acceptent que des points et des lignes ; l'heure de fin n'est pas utilisée.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="160" />
            <source>Contract, angles and extra fields</source>
            <translation>Contrat, angles et champs supplémentaires</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="166" />
            <source>PL-123456 (default: your contract)</source>
            <translation>PL-123456 (par défaut : votre contrat)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="167" />
            <source>PL number</source>
            <translation>Numéro PL</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="169" />
            <source>default: your contract's product</source>
            <translation>par défaut : le produit de votre contrat</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="170" />
            <source>Product</source>
            <translation>Produit</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="174" />
            <source>min</source>
            <translation>min</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="176" />
            <source>max</source>
            <translation>max</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="179" />
            <source>Elevation (°)</source>
            <translation>Élévation (°)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="180" />
            <source>Start time per feature (UTC)</source>
            <translation>Début propre à chaque entité (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="180" />
            <source>Optional: a date/time field or expression giving each order its own start (UTC). Empty: the start above.</source>
            <translation>Facultatif : un champ ou une expression date/heure donnant à chaque commande son propre début (UTC). Vide : le début ci-dessus.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="187" />
            <source>Start per feature</source>
            <translation>Début par entité</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="188" />
            <source>End time per feature (UTC)</source>
            <translation>Fin propre à chaque entité (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="188" />
            <source>Optional: a date/time field or expression giving each order its own end (UTC). Empty: the end above, or 14 days after a per-feature start.</source>
            <translation>Facultatif : un champ ou une expression date/heure donnant à chaque commande sa propre fin (UTC). Vide : la fin ci-dessus, ou 14 jours après un début propre à l’entité.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="397" />
            <source>The window starts within 24 hours: Planet may refuse it (flexible orders start at least 24 hours after they are placed).</source>
            <translation>La fenêtre commence dans moins de 24 heures : Planet peut la refuser (une commande flexible commence au moins 24 heures après avoir été passée).</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="404" />
            <source>The window is shorter than 14 days: Planet may refuse it (flexible windows last at least 14 days).</source>
            <translation>La fenêtre dure moins de 14 jours : Planet peut la refuser (une fenêtre flexible dure au moins 14 jours).</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="195" />
            <source>End per feature</source>
            <translation>Fin par entité</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="197" />
            <source>One order per part</source>
            <translation>Une commande par partie</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="198" />
            <source>Skip multipart features</source>
            <translation>Ignorer les entités multiparties</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="199" />
            <source>Multipart</source>
            <translation>Multiparties</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="204" />
            <source>More order fields as a JSON object, added to every order as they are</source>
            <translation>Champs de commande supplémentaires sous forme d'objet JSON, ajoutés tels quels à chaque commande</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="207" />
            <source>Extra fields</source>
            <translation>Champs supplémentaires</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="251" />
            <source>Date and time in UTC</source>
            <translation>Date et heure en UTC</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="264" />
            <source>unset</source>
            <translation>non défini</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="267" />
            <source>Satellite elevation angle, 0–90°; 'unset' uses the default</source>
            <translation>Angle d'élévation du satellite, 0–90° ; « non défini » utilise la valeur par défaut</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="422" />
            <source>Choose a vector layer.</source>
            <translation>Choisissez une couche vecteur.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="334" />
            <source>Nothing is selected on “{layer}”. Select features on the map, or untick “Selected features only”.</source>
            <translation>Rien n'est sélectionné sur « {layer} ». Sélectionnez des entités sur la carte, ou décochez « Entités sélectionnées uniquement ».</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="340" />
            <source>{n} of {total} features selected.</source>
            <translation>{n} entité(s) sélectionnée(s) sur {total}.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="345" />
            <source>All {total} features of “{layer}”.</source>
            <translation>Les {total} entités de « {layer} ».</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="372" />
            <source>Not valid JSON: {error}</source>
            <translation>JSON non valide : {error}</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="375" />
            <source>Extra fields must be a JSON object, like {"key": "value"}.</source>
            <translation>Les champs supplémentaires doivent former un objet JSON, par exemple {"key": "value"}.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="424" />
            <source>Nothing is selected on “{layer}”: select features on the map or untick “Selected features only”.</source>
            <translation>Rien n'est sélectionné sur « {layer} » : sélectionnez des entités sur la carte ou décochez « Entités sélectionnées uniquement ».</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="431" />
            <source>“{layer}” has no features.</source>
            <translation>« {layer} » ne contient aucune entité.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="433" />
            <source>Extra fields: {error}</source>
            <translation>Champs supplémentaires : {error}</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="435" />
            <source>Give the orders a name (a field or an expression).</source>
            <translation>Donnez un nom aux commandes (un champ ou une expression).</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="437" />
            <source>The name expression is not valid.</source>
            <translation>L'expression du nom n'est pas valide.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="438" />
            <source>The per-feature start expression is not valid.</source>
            <translation>L’expression du début par entité n’est pas valide.</translation>
        </message>
        <message>
            <location filename="../ui/compose_panel.py" line="438" />
            <source>The per-feature end expression is not valid.</source>
            <translation>L’expression de la fin par entité n’est pas valide.</translation>
        </message>
    </context>
    <context>
        <name>JobsModel</name>
        <message>
            <location filename="../ui/jobs_panel.py" line="53" />
            <source>Practice</source>
            <translation>Entraînement</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="108" />
            <source>running</source>
            <translation>en cours</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="109" />
            <source>done</source>
            <translation>terminée</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="110" />
            <source>interrupted</source>
            <translation>interrompue</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="111" />
            <source>cancelled</source>
            <translation>annulée</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="112" />
            <source>cancelled, following what was sent</source>
            <translation>annulée, suivi de ce qui a été envoyé</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="113" />
            <source>error</source>
            <translation>erreur</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="122" />
            <source>When (UTC)</source>
            <translation>Date (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="123" />
            <source>State</source>
            <translation>État</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="124" />
            <source>Layer</source>
            <translation>Couche</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="125" />
            <source>Sent to</source>
            <translation>Destination</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="126" />
            <source>Orders</source>
            <translation>Commandes</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="127" />
            <source>Failed</source>
            <translation>Échecs</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="128" />
            <source>Skipped</source>
            <translation>Ignorées</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="133" />
            <source>When the job was submitted, in UTC</source>
            <translation>Date d'envoi de la tâche, en UTC</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="134" />
            <source>running, done, interrupted (QGIS closed), cancelled or error</source>
            <translation>en cours, terminée, interrompue (QGIS fermé), annulée ou erreur</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="135" />
            <source>The layer its features came from</source>
            <translation>La couche d'où proviennent ses entités</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="136" />
            <source>Planet, the practice sandbox or a custom address</source>
            <translation>Planet, le bac à sable d'entraînement ou une adresse personnalisée</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="137" />
            <source>Orders created</source>
            <translation>Commandes créées</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="138" />
            <source>Features the service refused</source>
            <translation>Entités refusées par le service</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="139" />
            <source>Features not sent (no geometry, invalid…)</source>
            <translation>Entités non envoyées (sans géométrie, non valides…)</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="152" />
            <source>(unnamed layer)</source>
            <translation>(couche sans nom)</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="166" />
            <source>Submitted {when} UTC, last change {updated} UTC</source>
            <translation>Envoyée le {when} UTC, dernière modification le {updated} UTC</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="169" />
            <source>{total} feature from layer {layer}</source>
            <translation>{total} entité de la couche {layer}</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="169" />
            <source>{total} features from layer {layer}</source>
            <translation>{total} entités de la couche {layer}</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="174" />
            <source>Sent to {where}</source>
            <translation>Destination : {where}</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="177" />
            <source>Submitted from the current project</source>
            <translation>Envoyée depuis le projet courant</translation>
        </message>
    </context>
    <context>
        <name>JobsPanel</name>
        <message>
            <location filename="../ui/jobs_panel.py" line="214" />
            <source>Every submission is kept on this computer, so jobs outlive QGIS: unfinished ones carry on when QGIS starts again. Jobs in &lt;b&gt;bold&lt;/b&gt; were sent from this project. Select one to see its orders.</source>
            <translation>Chaque envoi est conservé sur cet ordinateur, les tâches survivent donc à QGIS : celles qui ne sont pas terminées reprennent au prochain démarrage de QGIS. Les tâches en &lt;b&gt;gras&lt;/b&gt; ont été envoyées depuis ce projet. Sélectionnez-en une pour voir ses commandes.</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="255" />
            <source>Show orders</source>
            <translation>Afficher les commandes</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="256" />
            <source>Show this job's orders in the Results tab</source>
            <translation>Afficher les commandes de cette tâche dans l'onglet Résultats</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="258" />
            <source>Resume</source>
            <translation>Reprendre</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="259" />
            <source>Carry on sending: bulks already sent are asked about with their own ids, so no feature is ordered twice</source>
            <translation>Poursuivre l'envoi : les lots déjà envoyés sont vérifiés avec leurs propres identifiants, aucune entité n'est donc commandée deux fois</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="266" />
            <source>Forget…</source>
            <translation>Oublier…</translation>
        </message>
        <message>
            <location filename="../ui/jobs_panel.py" line="267" />
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
            <location filename="../ui/order_dialogs.py" line="139" />
            <source>Resubmit</source>
            <translation>Renvoyer</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="139" />
            <source>Apply</source>
            <translation>Appliquer</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="188" />
            <source>The name is empty.</source>
            <translation>Le nom est vide.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="191" />
            <source>The end must be after the start.</source>
            <translation>La fin doit être postérieure au début.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="196" />
            <source>Extra fields: not valid JSON ({e}).</source>
            <translation>Champs supplémentaires : JSON non valide ({e}).</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="199" />
            <source>Extra fields must be a JSON object.</source>
            <translation>Les champs supplémentaires doivent former un objet JSON.</translation>
        </message>
        <message>
            <location filename="../ui/order_dialogs.py" line="201" />
            <source>Nothing to change yet.</source>
            <translation>Rien à modifier pour l'instant.</translation>
        </message>
    </context>
    <context>
        <name>PlanetBulkTasking</name>
        <message>
            <location filename="../ui/result_layer.py" line="89" />
            <source>Planet orders – {layer}</source>
            <translation>Commandes Planet – {layer}</translation>
        </message>
        <message>
            <location filename="../ui/result_layer.py" line="137" />
            <source>Order: {s}</source>
            <translation>Commande : {s}</translation>
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
            <source>Succeeded</source>
            <translation>Réussie</translation>
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
            <location filename="../ui/jobs_panel.py" line="350" />
            <source>Forget the job of {when} UTC (layer {layer}, {n} order(s))? It is removed from this computer only: its orders stay at Planet.</source>
            <translation>Oublier la tâche du {when} UTC (couche {layer}, {n} commande(s)) ? Elle est supprimée de cet ordinateur uniquement : ses commandes restent chez Planet.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="675" />
            <source>Planet Bulk Tasking</source>
            <translation>Planet Bulk Tasking</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="121" />
            <source>&lt;b&gt;Practice mode&lt;/b&gt;: orders go to a simulator on this computer. Nothing is sent to Planet and no real orders are created.</source>
            <translation>&lt;b&gt;Mode entraînement&lt;/b&gt; : les commandes partent vers un simulateur sur cet ordinateur. Rien n'est envoyé à Planet et aucune vraie commande n'est créée.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="164" />
            <source>Preview</source>
            <translation>Aperçu</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="165" />
            <source>Build the orders and show them; sends nothing</source>
            <translation>Construire les commandes et les afficher ; rien n'est envoyé</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="166" />
            <source>Submit orders</source>
            <translation>Envoyer les commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="172" />
            <source>Compose</source>
            <translation>Composition</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="176" />
            <source>Results</source>
            <translation>Résultats</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="178" />
            <source>Jobs</source>
            <translation>Tâches</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="180" />
            <source>Settings</source>
            <translation>Paramètres</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="255" />
            <source>Orders are being sent: wait for the end, or cancel.</source>
            <translation>Envoi des commandes en cours : attendez la fin, ou annulez.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="277" />
            <source>… and {n} more</source>
            <translation>… et {n} de plus</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="282" />
            <source>Ready to send {n} feature to {where}.</source>
            <translation>Prêt à envoyer {n} entité vers {where}.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="282" />
            <source>Ready to send {n} features to {where}.</source>
            <translation>Prêt à envoyer {n} entités vers {where}.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="361" />
            <source>Nothing to send</source>
            <translation>Rien à envoyer</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="361" />
            <source>The only target was skipped: see the preview for why.</source>
            <translation>La seule cible a été ignorée : l'aperçu en donne la raison.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="361" />
            <source>All {n} targets were skipped: see the preview for why.</source>
            <translation>Les {n} cibles ont toutes été ignorées : l'aperçu en donne la raison.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="375" />
            <source>Practice sandbox</source>
            <translation>Bac à sable d'entraînement</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="375" />
            <source>The practice sandbox could not start: {error}</source>
            <translation>Le bac à sable d'entraînement n'a pas pu démarrer : {error}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="390" />
            <source>Sending {orders} orders to {where} in 1 bulk request…</source>
            <translation>Envoi de {orders} commandes vers {where} en 1 requête en lot…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="390" />
            <source>Sending {orders} orders to {where} in {bulks} bulk requests…</source>
            <translation>Envoi de {orders} commandes vers {where} en {bulks} requêtes en lot…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="401" />
            <source>The job could not be saved, nothing was sent: {error}</source>
            <translation>La tâche n'a pas pu être enregistrée, rien n'a été envoyé : {error}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="425" />
            <source>Cancelling…</source>
            <translation>Annulation…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="475" />
            <source>{accepted} of 1 bulk request accepted; waiting for Planet to create the orders…</source>
            <translation>{accepted} requête en lot acceptée sur 1 ; en attente de la création des commandes par Planet…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="475" />
            <source>{accepted} of {chunks} bulk requests accepted; waiting for Planet to create the orders…</source>
            <translation>{accepted} requêtes en lot acceptées sur {chunks} ; en attente de la création des commandes par Planet…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="494" />
            <source> {n} results read.</source>
            <translation> {n} résultats lus.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="496" />
            <source> The server asked to wait: {used:.0f} s so far (at most {limit:.0f} s).</source>
            <translation> Le serveur a demandé d’attendre : {used:.0f} s jusqu’ici (au plus {limit:.0f} s).</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="495" />
            <source>{n} orders created</source>
            <translation>{n} commandes créées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="497" />
            <source>{n} failed</source>
            <translation>{n} en échec</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="499" />
            <source>{n} skipped</source>
            <translation>{n} ignorée(s)</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="501" />
            <source>{n} not confirmed</source>
            <translation>{n} non confirmée(s)</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="511" />
            <source>Sending cancelled</source>
            <translation>Envoi annulé</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="513" />
            <source>Sending stopped</source>
            <translation>Envoi interrompu</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="518" />
            <source>Orders sent</source>
            <translation>Commandes envoyées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="526" />
            <source>&lt;b&gt;{title}&lt;/b&gt; ({time} UTC): {text}.</source>
            <translation>&lt;b&gt;{title}&lt;/b&gt; ({time} UTC) : {text}.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="532" />
            <source>Job of {when} UTC (layer {layer}): {text}</source>
            <translation>Tâche du {when} UTC (couche {layer}) : {text}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="536" />
            <source>Show failed</source>
            <translation>Afficher les échecs</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="576" />
            <source>{n} order {word}</source>
            <translation>{word} : {n} commande</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="576" />
            <source>{n} orders {word}</source>
            <translation>{word} : {n} commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="582" />
            <source>{n} {word}</source>
            <translation>{word} : {n}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="592" />
            <source>Orders updated</source>
            <translation>Commandes mises à jour</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="619" />
            <source>Job of {when} UTC · layer {layer} · sent to {where} · {state}</source>
            <translation>Tâche du {when} UTC · couche {layer} · destination {where} · {state}</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="638" />
            <source>Layer “{layer}” is not in the project: the orders are shown without links to its features. Add the layer again to restore them.</source>
            <translation>La couche « {layer} » n'est pas dans le projet : les commandes sont affichées sans lien vers ses entités. Ajoutez de nouveau la couche pour rétablir ces liens.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="657" />
            <source>Could not resume</source>
            <translation>Reprise impossible</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="670" />
            <source>Forget job</source>
            <translation>Oublier la tâche</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="675" />
            <source>The job is still running: cancel it first.</source>
            <translation>La tâche est toujours en cours : annulez-la d'abord.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="684" />
            <source>No job selected.</source>
            <translation>Aucune tâche sélectionnée.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="744" />
            <source>Fix and resubmit</source>
            <translation>Corriger et renvoyer</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="714" />
            <source>Select failed or skipped rows first.</source>
            <translation>Sélectionnez d'abord des lignes en échec ou ignorées.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="721" />
            <source>The job is still sending: wait for it or cancel it first.</source>
            <translation>La tâche est encore en cours d'envoi : attendez qu'elle se termine ou annulez-la d'abord.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="736" />
            <source>Some rows were not resent</source>
            <translation>Certaines lignes n'ont pas été renvoyées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="748" />
            <source>Resending {n} order…</source>
            <translation>Renvoi de {n} commande…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="748" />
            <source>Resending {n} orders…</source>
            <translation>Renvoi de {n} commandes…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="767" />
            <source>Layer “{layer}” is not in the project: cannot rebuild.</source>
            <translation>La couche « {layer} » n'est pas dans le projet : reconstruction impossible.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="786" />
            <source>{label}: the feature is gone</source>
            <translation>{label} : l'entité n'existe plus</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="793" />
            <source>{label}: nothing to resend ({why}); fix the feature and use “Rebuild from the features”</source>
            <translation>{label} : rien à renvoyer ({why}) ; corrigez l'entité et utilisez « Reconstruire à partir des entités »</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="814" />
            <source>Not sent yet.</source>
            <translation>Pas encore envoyée.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="818" />
            <source>History</source>
            <translation>Historique</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="860" />
            <source>Edit orders</source>
            <translation>Modifier les commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="893" />
            <source>Select rows with orders first.</source>
            <translation>Sélectionnez d'abord des lignes qui ont une commande.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="847" />
            <source>name</source>
            <translation>nom</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="848" />
            <source>start (UTC)</source>
            <translation>début (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="849" />
            <source>end (UTC)</source>
            <translation>fin (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="854" />
            <source>Change {n} order at Planet: {what}?</source>
            <translation>Modifier {n} commande chez Planet : {what} ?</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="854" />
            <source>Change {n} orders at Planet: {what}?</source>
            <translation>Modifier {n} commandes chez Planet : {what} ?</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="862" />
            <source>Editing {n} order…</source>
            <translation>Modification de {n} commande…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="862" />
            <source>Editing {n} orders…</source>
            <translation>Modification de {n} commandes…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="873" />
            <source>Cancel {n} order at Planet? This cannot be undone.</source>
            <translation>Annuler {n} commande chez Planet ? Cette action est irréversible.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="873" />
            <source>Cancel {n} orders at Planet? This cannot be undone.</source>
            <translation>Annuler {n} commandes chez Planet ? Cette action est irréversible.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="879" />
            <source>{m} of them start within 24 hours: cancelling them may be charged.</source>
            <translation>{m} d'entre elles commencent dans moins de 24 heures : leur annulation peut être facturée.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="883" />
            <source>{m} of them are already finished (fulfilled, expired or cancelled): Planet will refuse to cancel those.</source>
            <translation>{m} d'entre elles sont déjà terminées (réalisées, expirées ou annulées) : Planet refusera de les annuler.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="899" />
            <source>Cancel orders</source>
            <translation>Annuler les commandes</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="901" />
            <source>Cancelling {n} order…</source>
            <translation>Annulation de {n} commande…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="901" />
            <source>Cancelling {n} orders…</source>
            <translation>Annulation de {n} commandes…</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="919" />
            <source>{n} order changed</source>
            <translation>{n} commande modifiée</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="919" />
            <source>{n} orders changed</source>
            <translation>{n} commandes modifiées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="922" />
            <source>Orders edited</source>
            <translation>Commandes modifiées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="924" />
            <source>{n} order cancelled</source>
            <translation>{n} commande annulée</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="924" />
            <source>{n} orders cancelled</source>
            <translation>{n} commandes annulées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="927" />
            <source>Orders cancelled</source>
            <translation>Commandes annulées</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="930" />
            <source>{n} refused (e.g. {label}: {reason})</source>
            <translation>{n} refusée(s) (par exemple {label} : {reason})</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="938" />
            <source>Show refused</source>
            <translation>Afficher les refus</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="958" />
            <source>Edit failed</source>
            <translation>Échec de la modification</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" line="958" />
            <source>Cancel failed</source>
            <translation>Échec de l'annulation</translation>
        </message>
    </context>
    <context>
        <name>PlanetBulkTaskingPlugin</name>
        <message>
            <location filename="../plugin.py" line="49" />
            <source>Planet Bulk Tasking</source>
            <translation>Planet Bulk Tasking</translation>
        </message>
        <message>
            <location filename="../plugin.py" line="52" />
            <source>Submit the selected features as Planet tasking orders</source>
            <translation>Envoyer les entités sélectionnées comme commandes de programmation Planet</translation>
        </message>
    </context>
    <context>
        <name>PreviewPanel</name>
        <message>
            <location filename="../ui/preview_panel.py" line="49" />
            <source>Preview</source>
            <translation>Aperçu</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="52" />
            <source>Click Preview to see what would be sent, before anything is sent.</source>
            <translation>Cliquez sur Aperçu pour voir ce qui serait envoyé, avant tout envoi.</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="58" />
            <source>Skipped features (click one to zoom to it):</source>
            <translation>Entités ignorées (cliquez sur l'une d'elles pour zoomer dessus) :</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="86" />
            <source>{features} features → {orders} orders in 1 bulk request</source>
            <translation>{features} entités → {orders} commandes en 1 requête en lot</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="86" />
            <source>{features} features → {orders} orders in {bulks} bulk requests</source>
            <translation>{features} entités → {orders} commandes en {bulks} requêtes en lot</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="92" />
            <source>; &lt;b&gt;{skipped} skipped&lt;/b&gt;</source>
            <translation> ; &lt;b&gt;{skipped} ignorée(s)&lt;/b&gt;</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="94" />
            <source>{n} name is used by more than one order (sent anyway): “{name}”.</source>
            <translation>{n} nom est utilisé par plusieurs commandes (envoyées malgré tout) : « {name} ».</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="94" />
            <source>{n} names are used by more than one order (sent anyway), e.g. “{name}”.</source>
            <translation>{n} noms sont utilisés par plusieurs commandes (envoyées malgré tout), par exemple « {name} ».</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="135" />
            <source>The form changed since: preview again.</source>
            <translation>Le formulaire a changé depuis : relancez l'aperçu.</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="112" />
            <source>… and {n} more (see the Results tab after sending)</source>
            <translation>… et {n} de plus (voir l'onglet Résultats après l'envoi)</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="121" />
            <source>The first order payload, exactly as sent:</source>
            <translation>Contenu de la première commande, exactement tel qu'il est envoyé :</translation>
        </message>
        <message>
            <location filename="../ui/preview_panel.py" line="121" />
            <source>The first {n} order payloads, exactly as sent:</source>
            <translation>Contenu des {n} premières commandes, exactement tel qu'il est envoyé :</translation>
        </message>
    </context>
    <context>
        <name>ProgressPanel</name>
        <message>
            <location filename="../ui/progress_panel.py" line="31" />
            <source>No submission yet.</source>
            <translation>Aucun envoi pour l'instant.</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="33" />
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="36" />
            <source>Stop sending and following up. Orders Planet has already accepted are not cancelled.</source>
            <translation>Arrêter l'envoi et le suivi. Les commandes déjà acceptées par Planet ne sont pas annulées.</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="50" />
            <source>%v of %m done</source>
            <translation>%v sur %m terminé(s)</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="56" />
            <source>Total</source>
            <translation>Total</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="56" />
            <source>Processing</source>
            <translation>En cours</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="56" />
            <source>Succeeded</source>
            <translation>Réussies</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="56" />
            <source>Failed</source>
            <translation>Échecs</translation>
        </message>
        <message>
            <location filename="../ui/progress_panel.py" line="56" />
            <source>Skipped</source>
            <translation>Ignorées</translation>
        </message>
    </context>
    <context>
        <name>ResultsModel</name>
        <message>
            <location filename="../ui/results_model.py" line="154" />
            <source>Feature id</source>
            <translation>ID de l'entité</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="155" />
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="156" />
            <source>Status</source>
            <translation>Statut</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="157" />
            <source>Order status</source>
            <translation>Statut de la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="158" />
            <source>Error</source>
            <translation>Erreur</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="159" />
            <source>Order id</source>
            <translation>ID de la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="160" />
            <source>Captures</source>
            <translation>Acquisitions</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="161" />
            <source>Updated (UTC)</source>
            <translation>Mise à jour (UTC)</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="166" />
            <source>The feature's id in its layer (and the part, for multipart features)</source>
            <translation>L'ID de l'entité dans sa couche (et la partie, pour les entités multiparties)</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="167" />
            <source>The order's name</source>
            <translation>Le nom de la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="168" />
            <source>Whether the order was created</source>
            <translation>Si la commande a été créée</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="169" />
            <source>Where the order stands at Planet (checked regularly)</source>
            <translation>L'état de la commande chez Planet (vérifié régulièrement)</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="170" />
            <source>Why it was skipped or refused</source>
            <translation>Pourquoi elle a été ignorée ou refusée</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="171" />
            <source>The order id Planet gave it</source>
            <translation>L'ID de commande attribué par Planet</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="172" />
            <source>How many captures were published for the order</source>
            <translation>Le nombre d'acquisitions publiées pour la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="173" />
            <source>When Planet last changed the order, in UTC</source>
            <translation>La date de la dernière modification de la commande par Planet, en UTC</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="187" />
            <source>{fid} (part {part})</source>
            <translation>{fid} (partie {part})</translation>
        </message>
        <message>
            <location filename="../ui/results_model.py" line="253" />
            <source>History:</source>
            <translation>Historique :</translation>
        </message>
    </context>
    <context>
        <name>ResultsPanel</name>
        <message>
            <location filename="../ui/results_panel.py" line="62" />
            <source>All</source>
            <translation>Toutes</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="62" />
            <source>Failed</source>
            <translation>Échecs</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="62" />
            <source>Succeeded</source>
            <translation>Réussies</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="62" />
            <source>Skipped</source>
            <translation>Ignorées</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="62" />
            <source>Refused</source>
            <translation>Refusées</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="79" />
            <source>Orders whose last edit or cancel Planet refused</source>
            <translation>Commandes dont Planet a refusé la dernière modification ou annulation</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="86" />
            <source>Filter by name, feature id, order id or error</source>
            <translation>Filtrer par nom, ID d'entité, ID de commande ou erreur</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="109" />
            <source>Select rows to select their features; double-click to zoom to one. Right-click for fix and resubmit, edit, cancel and history.</source>
            <translation>Sélectionnez des lignes pour sélectionner leurs entités ; double-cliquez pour zoomer sur l'une d'elles. Clic droit pour corriger et renvoyer, modifier, annuler et voir l'historique.</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="123" />
            <source>Orders</source>
            <translation>Commandes</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="124" />
            <source>Fix and resubmit, edit or cancel the selected rows' orders</source>
            <translation>Corriger et renvoyer, modifier ou annuler les commandes des lignes sélectionnées</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="135" />
            <source>Result layer</source>
            <translation>Couche de résultats</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="136" />
            <source>Add the orders to the map, coloured by status</source>
            <translation>Ajouter les commandes à la carte, colorées selon leur statut</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="142" />
            <source>Export</source>
            <translation>Exporter</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="146" />
            <source>Table as CSV…</source>
            <translation>Table au format CSV…</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="147" />
            <source>Orders as GeoPackage (with geometry)…</source>
            <translation>Commandes au format GeoPackage (avec géométrie)…</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="268" />
            <source>Planet Bulk Tasking</source>
            <translation>Planet Bulk Tasking</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="260" />
            <source>The layer these orders came from is no longer in the project.</source>
            <translation>La couche d'où proviennent ces commandes n'est plus dans le projet.</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="268" />
            <source>Nothing to zoom to: feature {fid} has no geometry.</source>
            <translation>Rien sur quoi zoomer : l'entité {fid} n'a pas de géométrie.</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="303" />
            <source>Export results as CSV</source>
            <translation>Exporter les résultats en CSV</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="303" />
            <source>CSV files (*.csv)</source>
            <translation>Fichiers CSV (*.csv)</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="331" />
            <source>Export failed</source>
            <translation>Échec de l'export</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="333" />
            <source>Exported</source>
            <translation>Export terminé</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="313" />
            <source>{n} rows written to {path}</source>
            <translation>{n} lignes écrites dans {path}</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="324" />
            <source>Export orders as GeoPackage</source>
            <translation>Exporter les commandes en GeoPackage</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="324" />
            <source>GeoPackage (*.gpkg)</source>
            <translation>GeoPackage (*.gpkg)</translation>
        </message>
        <message>
            <location filename="../ui/results_panel.py" line="333" />
            <source>{n} orders written to {path}</source>
            <translation>{n} commandes écrites dans {path}</translation>
        </message>
    </context>
    <context>
        <name>ResultsView</name>
        <message>
            <location filename="../ui/results_view.py" line="140" />
            <source>Zoom to feature(s)</source>
            <translation>Zoomer sur les entités</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="144" />
            <source>Copy order id</source>
            <translation>Copier l'ID de la commande</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="144" />
            <source>Copy order ids</source>
            <translation>Copier les ID des commandes</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="148" />
            <source>Open in Tasking Dashboard</source>
            <translation>Ouvrir dans le Tasking Dashboard</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="150" />
            <source>Opens the order page in your web browser</source>
            <translation>Ouvre la page de la commande dans votre navigateur web</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="154" />
            <source>History…</source>
            <translation>Historique…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="158" />
            <source>Add result layer to map</source>
            <translation>Ajouter la couche de résultats à la carte</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="160" />
            <source>Export table as CSV…</source>
            <translation>Exporter la table en CSV…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="162" />
            <source>Export as GeoPackage…</source>
            <translation>Exporter en GeoPackage…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="175" />
            <source>Fix and resubmit…</source>
            <translation>Corriger et renvoyer…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="177" />
            <source>Change the failed or skipped orders and send them again</source>
            <translation>Modifier les commandes en échec ou ignorées et les renvoyer</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="179" />
            <source>Edit orders…</source>
            <translation>Modifier les commandes…</translation>
        </message>
        <message>
            <location filename="../ui/results_view.py" line="182" />
            <source>Cancel orders…</source>
            <translation>Annuler les commandes…</translation>
        </message>
    </context>
    <context>
        <name>SettingsPanel</name>
        <message>
            <location filename="../ui/settings_panel.py" line="65" />
            <source>Where orders go</source>
            <translation>Destination des commandes</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="68" />
            <source>Planet Tasking API</source>
            <translation>API Planet Tasking</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="70" />
            <source>Practice sandbox</source>
            <translation>Bac à sable d'entraînement</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="71" />
            <source>Custom address</source>
            <translation>Adresse personnalisée</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="78" />
            <source>A simulator on this computer: no real orders, no key needed.</source>
            <translation>Un simulateur sur cet ordinateur : aucune vraie commande, aucune clé nécessaire.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="92" />
            <source>API key</source>
            <translation>Clé d'API</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="96" />
            <source>Store your Planet API key in QGIS's authentication database: Basic authentication with the key as user name and an empty password. Without one, the {env} environment variable is used.</source>
            <translation>Enregistrez votre clé d'API Planet dans la base d'authentification de QGIS : authentification Basic avec la clé comme nom d'utilisateur et un mot de passe vide. À défaut, la variable d'environnement {env} est utilisée.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="112" />
            <source>Test connection</source>
            <translation>Tester la connexion</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="185" />
            <source>Enter the custom API address in Settings.</source>
            <translation>Saisissez l'adresse de l'API personnalisée dans les Paramètres.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="212" />
            <source>the practice sandbox</source>
            <translation>le bac à sable d'entraînement</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="215" />
            <source>Planet</source>
            <translation>Planet</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="240" />
            <source>No API key: choose an authentication configuration in Settings (or set {env}), or use practice mode.</source>
            <translation>Aucune clé d'API : choisissez une configuration d'authentification dans les Paramètres (ou définissez {env}), ou utilisez le mode entraînement.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="261" />
            <source>Practice mode uses the sandbox's own key.</source>
            <translation>Le mode entraînement utilise la clé propre au bac à sable.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="262" />
            <source>Using the key from the chosen authentication configuration.</source>
            <translation>Utilisation de la clé de la configuration d'authentification choisie.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="263" />
            <source>Using the key from the {env} environment variable.</source>
            <translation>Utilisation de la clé de la variable d'environnement {env}.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="266" />
            <source>No key configured.</source>
            <translation>Aucune clé configurée.</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="280" />
            <source>Contacting {where}…</source>
            <translation>Connexion en cours avec {where}…</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="297" />
            <source>Valid</source>
            <translation>Valide</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="298" />
            <source>Invalid</source>
            <translation>Non valide</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="299" />
            <source>Not allowed to task</source>
            <translation>Programmation non autorisée</translation>
        </message>
        <message>
            <location filename="../ui/settings_panel.py" line="300" />
            <source>Unreachable</source>
            <translation>Injoignable</translation>
        </message>
    </context>
</TS>
